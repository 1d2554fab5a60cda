using System.Globalization;
using System.Security.Cryptography;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>
/// What an authenticator app does (RFC 6238 over RFC 4226's HOTP), written from the RFCs rather than taken from the
/// product, so a test computes the code a person's phone would show from the key the page showed.
/// </summary>
public static class Totp
{
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    /// <summary>The code for <paramref name="time"/>: HMAC of the big-endian step number, dynamic truncation, modulo 10^digits.</summary>
    public static string Code(byte[] key, DateTimeOffset time, int digits = 6, HashAlgorithmName? algorithm = null)
    {
        var counter = (ulong)(time.ToUnixTimeSeconds() / (long)Step.TotalSeconds);
        var message = new byte[8];
        for (var i = 7; i >= 0; i--)
        {
            message[i] = (byte)(counter & 0xff);
            counter >>= 8;
        }

        var name = algorithm ?? HashAlgorithmName.SHA1;
        var hash = name == HashAlgorithmName.SHA256 ? HMACSHA256.HashData(key, message)
            : name == HashAlgorithmName.SHA512 ? HMACSHA512.HashData(key, message)
#pragma warning disable CA5350 // RFC 6238's default, and what every authenticator app uses; HOTP's truncation keeps it sound.
            : HMACSHA1.HashData(key, message);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        var modulo = (int)Math.Pow(10, digits);
        return (binary % modulo).ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0');
    }

    /// <summary>
    /// The 6-digit code <paramref name="steps"/> 30-second steps from now, for the key as a page shows it (base32, in
    /// groups, any case). The product accepts two steps either side of now, so -1, 0 and +1 give three different
    /// codes that all work, which a test needs to tell "reused" from "right".
    /// </summary>
    public static string Now(string shownKey, int steps = 0) => Code(Base32.Decode(shownKey), DateTimeOffset.UtcNow + steps * Step);

    /// <summary>A 6-digit code that is none of the codes the product accepts now for this key.</summary>
    public static string Wrong(string shownKey)
    {
        var accepted = Enumerable.Range(-3, 7).Select(step => Now(shownKey, step)).ToHashSet();
        for (var candidate = 0; ; candidate++)
        {
            var code = candidate.ToString("D6", CultureInfo.InvariantCulture);
            if (!accepted.Contains(code))
            {
                return code;
            }
        }
    }
}

/// <summary>RFC 4648 base32 (the alphabet of authenticator keys), decoding only; spaces and case are ignored, as apps do.</summary>
public static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static byte[] Decode(string text)
    {
        var clean = text.Replace(" ", "", StringComparison.Ordinal).TrimEnd('=').ToUpperInvariant();
        var bytes = new List<byte>(clean.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in clean)
        {
            var value = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                throw new FormatException($"'{c}' is not a base32 character.");
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes.Add((byte)((buffer >> bits) & 0xff));
            }
        }

        return [.. bytes];
    }
}
