using System.Security.Cryptography;
using System.Text;
using SessionAuth.Web.Pages.Account;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Accounts.TwoFactor;

/// <summary>
/// The tests' authenticator (<see cref="Totp"/>) against RFC 6238's own test vectors (Appendix B, SHA1, 8 digits),
/// so a failing two-factor test points at the product, not at the test's arithmetic; and the key as the setup page
/// writes it (groups, lower case) decodes to what Identity made.
/// </summary>
public sealed class TotpTests
{
    // RFC 6238 Appendix B: the SHA1 seed is the ASCII string "12345678901234567890".
    private static readonly byte[] Rfc6238Sha1Seed = Encoding.ASCII.GetBytes("12345678901234567890");

    [Theory]
    [InlineData(59L, "94287082")]
    [InlineData(1111111109L, "07081804")]
    [InlineData(1111111111L, "14050471")]
    [InlineData(1234567890L, "89005924")]
    [InlineData(2000000000L, "69279037")]
    [InlineData(20000000000L, "65353130")]
    public void TheTestAuthenticatorGivesRfc6238sSha1Vectors(long unixSeconds, string expected)
    {
        var code = Totp.Code(Rfc6238Sha1Seed, DateTimeOffset.FromUnixTimeSeconds(unixSeconds), digits: 8, HashAlgorithmName.SHA1);

        Assert.Equal(expected, code);
    }

    [Fact]
    public void SixDigitCodesAreTheLastSixOfTheEightDigitOnes()
    {
        var time = DateTimeOffset.FromUnixTimeSeconds(1111111109);

        var code = Totp.Code(Rfc6238Sha1Seed, time);

        Assert.Equal("081804", code);
    }

    [Fact]
    public void TheGroupedLowerCaseKeyDecodesToTheSameBytesAsTheRawKey()
    {
        // RFC 4648 section 10's base32 vector: "foobar" is MZXW6YTBOI.
        const string Raw = "MZXW6YTBOI";

        var grouped = AuthenticatorSetup.GroupKey(Raw);

        Assert.Equal("mzxw 6ytb oi", grouped);
        Assert.Equal("foobar"u8.ToArray(), Base32.Decode(grouped));
        Assert.Equal(Base32.Decode(Raw), Base32.Decode(grouped));
    }
}
