using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace SessionAuth.Web.Sessions;

/// <summary>
/// The synchronizer token of a server session (OWASP's first choice against CSRF): a random secret
/// kept in the session record, and a form token that is that secret masked afresh for every response
/// (a random pad, then pad XOR secret, base64url), so a compressed page never repeats it (BREACH).
/// </summary>
internal static class SessionCsrfToken
{
    public const int SecretBytes = 32;

    private const int TokenBytes = 2 * SecretBytes;

    /// <summary>86 characters: the only length a token of ours has.</summary>
    public static readonly int TokenLength = Base64Url.GetEncodedLength(TokenBytes);

    public static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>False for a record without a secret (written before sessions had one) or with a malformed one.</summary>
    public static bool TryDecodeSecret(string? encoded, Span<byte> secret) =>
        encoded is not null && Decodes(encoded, secret);

    public static string Mask(ReadOnlySpan<byte> secret)
    {
        Span<byte> token = stackalloc byte[TokenBytes];
        var pad = token[..SecretBytes];
        RandomPads.Take(pad);
        for (var i = 0; i < SecretBytes; i++)
        {
            token[SecretBytes + i] = (byte)(pad[i] ^ secret[i]);
        }

        return Base64Url.EncodeToString(token);
    }

    /// <summary>
    /// Pads for <see cref="Mask"/>: bytes from the CSPRNG drawn a page at a time per thread, each byte
    /// handed out once and wiped from the page as it goes. One call into the OS's generator per 128
    /// responses instead of one per response; the bytes are the same generator's.
    /// </summary>
    private static class RandomPads
    {
        private const int PageBytes = 4096;

        [ThreadStatic]
        private static byte[]? t_page;

        [ThreadStatic]
        private static int t_used;

        public static void Take(Span<byte> destination)
        {
            var page = t_page ??= new byte[PageBytes];
            if (t_used == 0 || t_used + destination.Length > PageBytes)
            {
                RandomNumberGenerator.Fill(page);
                t_used = 0;
            }

            var taken = page.AsSpan(t_used, destination.Length);
            taken.CopyTo(destination);
            taken.Clear();
            t_used += destination.Length;
        }
    }

    /// <summary>Unmasks <paramref name="token"/> and compares it with the secret in constant time.</summary>
    public static bool Matches(string? token, ReadOnlySpan<byte> secret)
    {
        if (token is null || token.Length != TokenLength)
        {
            return false;
        }

        Span<byte> raw = stackalloc byte[TokenBytes];
        if (!Decodes(token, raw))
        {
            return false;
        }

        Span<byte> unmasked = stackalloc byte[SecretBytes];
        for (var i = 0; i < SecretBytes; i++)
        {
            unmasked[i] = (byte)(raw[i] ^ raw[SecretBytes + i]);
        }

        var matches = CryptographicOperations.FixedTimeEquals(unmasked, secret);
        CryptographicOperations.ZeroMemory(unmasked);
        return matches;
    }

    /// <summary>Exactly fills <paramref name="bytes"/>; anything else (bad characters, wrong length) is false, never an exception.</summary>
    private static bool Decodes(string encoded, Span<byte> bytes) =>
        Base64Url.DecodeFromChars(encoded, bytes, out var consumed, out var written) == OperationStatus.Done
        && consumed == encoded.Length
        && written == bytes.Length;
}
