using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Tests.Sessions;

public sealed class SessionCookieProtectorTests
{
    private static readonly string KeyA = Convert.ToBase64String(Enumerable.Repeat((byte)0xA, 32).ToArray());
    private static readonly string KeyB = Convert.ToBase64String(Enumerable.Repeat((byte)0xB, 32).ToArray());

    private static SessionCookieProtector Protector(string? configuredKey = null, params string[] previousKeys)
    {
        var options = Options.Create(new ServerSessionOptions { CookieKey = configuredKey, PreviousCookieKeys = previousKeys });
        return new SessionCookieProtector(new FirstOfferWins(), options, NullLogger<SessionCookieProtector>.Instance);
    }

    /// <summary>A key store that keeps the first key offered (the accounts database does the same, tested in CookieKeyStoreTests).</summary>
    private sealed class FirstOfferWins : ICookieKeyStore
    {
        private byte[]? _key;

        public string Name => "test key store";

        public Task<byte[]> GetOrAddCookieKeyAsync(byte[] candidate, CancellationToken cancellationToken = default) =>
            Task.FromResult(Interlocked.CompareExchange(ref _key, candidate, null) ?? candidate);
    }

    [Fact]
    public async Task ACookieSignedWithAPreviousKeyVerifiesOnlyWhileThatKeyIsListedAsPrevious()
    {
        var id = SessionId.New("user");
        var beforeRotation = await Protector(KeyA).ProtectAsync(id);

        var duringGrace = await Protector(KeyB, KeyA).UnprotectAsync(beforeRotation);
        var afterGrace = await Protector(KeyB).UnprotectAsync(beforeRotation);

        Assert.Equal(id, duringGrace);
        Assert.Null(afterGrace);
    }

    [Fact]
    public async Task APreviousKeyVerifiesButNeverSigns()
    {
        var id = SessionId.New("user");

        var signed = await Protector(KeyB, KeyA).ProtectAsync(id);

        Assert.Equal(id, await Protector(KeyB).UnprotectAsync(signed));
        Assert.Null(await Protector(KeyA).UnprotectAsync(signed));
    }

    [Fact]
    public async Task ADerivedKeyIsHkdfOfTheSigningKeyPerPurpose()
    {
        var protector = Protector(KeyA);

        var email = await protector.DeriveKeyAsync("email-fingerprint");
        var again = await protector.DeriveKeyAsync("email-fingerprint");
        var other = await protector.DeriveKeyAsync("something-else");
        var underOtherKey = await Protector(KeyB).DeriveKeyAsync("email-fingerprint");

        Assert.Equal(32, email.Length);
        Assert.Equal(email, again);
        Assert.NotEqual(email, other);
        Assert.NotEqual(email, underOtherKey);
        Assert.NotEqual(Convert.FromBase64String(KeyA), email);
        Assert.Equal(
            System.Security.Cryptography.HKDF.DeriveKey(System.Security.Cryptography.HashAlgorithmName.SHA256,
                Convert.FromBase64String(KeyA), 32, info: "email-fingerprint"u8.ToArray()),
            email);
    }

    [Fact]
    public async Task AProtectedIdReadsBackAndIsFiftyOneUrlSafeCharacters()
    {
        var protector = Protector();
        var id = SessionId.New("user");

        var value = await protector.ProtectAsync(id);

        Assert.Equal(51, value.Length);
        Assert.Matches("^[A-Za-z0-9_-]{28}\\.[A-Za-z0-9_-]{22}$", value);
        Assert.Equal(id, await protector.UnprotectAsync(value));
    }

    [Fact]
    public async Task AValueSignedWithAnotherKeyIsRejected()
    {
        var mine = Protector(Convert.ToBase64String(new byte[32]));
        var theirs = Protector(Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray()));

        var value = await theirs.ProtectAsync(SessionId.New("user"));

        Assert.Null(await mine.UnprotectAsync(value));
    }

    [Fact]
    public async Task EveryOneCharacterChangeIsRejected()
    {
        var protector = Protector();
        var value = await protector.ProtectAsync(SessionId.New("user"));

        for (var i = 0; i < value.Length; i++)
        {
            var changed = value[..i] + (value[i] == 'A' ? 'B' : 'A') + value[(i + 1)..];
            Assert.Null(await protector.UnprotectAsync(changed));
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAA+AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAA==.AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("ÄAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA")]
    public async Task MalformedValuesAreRejected(string? value)
    {
        Assert.Null(await Protector().UnprotectAsync(value));
    }
    /// <summary>A key store whose key an operator (or a restored backup) can replace.</summary>
    private sealed class ReplaceableKeyStore : ICookieKeyStore
    {
        public byte[]? Key { get; set; }

        public string Name => "replaceable key store";

        public Task<byte[]> GetOrAddCookieKeyAsync(byte[] candidate, CancellationToken cancellationToken = default) =>
            Task.FromResult(Key ??= candidate);
    }

    [Fact]
    public async Task AValueVerifiedBeforeItsKeyFellOutOfTheKeySetIsRefusedAfterwards()
    {
        var store = new ReplaceableKeyStore();
        var protector = new SessionCookieProtector(store, Options.Create(new ServerSessionOptions()), NullLogger<SessionCookieProtector>.Instance);
        var id = SessionId.New("user");
        var value = await protector.ProtectAsync(id);
        Assert.Equal(id, await protector.UnprotectAsync(value));

        // Three adopted keys later the first one is no longer kept (signing a new session adopts the store's key).
        foreach (var fill in new byte[] { 1, 2, 3 })
        {
            store.Key = Enumerable.Repeat(fill, 32).ToArray();
            await protector.ProtectAsync(SessionId.New("other"));
        }

        Assert.Null(await protector.UnprotectAsync(value));
        Assert.Null(await protector.UnprotectAsync(new string(value.ToCharArray())));
    }

    [Fact]
    public async Task AVerifiedValueLendsNothingToAValueWithTheSameIdAndAnotherTag()
    {
        var protector = Protector(KeyA);
        var id = SessionId.New("user");
        var value = await protector.ProtectAsync(id);
        Assert.Equal(id, await protector.UnprotectAsync(value));
        var last = value[^1] == 'A' ? 'B' : 'A';

        var forged = await protector.UnprotectAsync(value[..^1] + last);

        Assert.Null(forged);
        Assert.Equal(id, await protector.UnprotectAsync(new string(value.ToCharArray())));
    }

    [Fact]
    public void AnIdsFingerprintIsTheFirstFourBytesOfItsSha256AndItsHandlesFingerprint()
    {
        var id = SessionId.New("user");
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(id.Value))[..4]);

        var copy = SessionId.TryParse(new string(id.Value.ToCharArray()), out var parsed) ? parsed : default;

        Assert.Equal(expected, id.Fingerprint());
        Assert.Equal(expected, id.Handle.Fingerprint());
        Assert.Equal(id.Handle, copy.Handle);
        Assert.NotEqual(id.Handle, SessionId.New("user").Handle);
    }
}
