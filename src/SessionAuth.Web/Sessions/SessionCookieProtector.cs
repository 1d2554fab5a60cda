using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace SessionAuth.Web.Sessions;

/// <summary>
/// Writes and checks the session cookie value: <c>&lt;session id&gt;.&lt;HMAC-SHA256 of it, first 128 bits&gt;</c>,
/// 51 ASCII characters whatever the user holds. Data Protection would do the same job at ~134
/// characters for a 21-byte id (header, key id, IV, padding, MAC): more than the cookie budget.
/// A value that fails the check never reaches the store.
/// </summary>
internal sealed class SessionCookieProtector(ISessionStore store, IOptions<ServerSessionOptions> options)
{
    private const int MacBytes = 16;
    private const int MacLength = 22; // base64url of 16 bytes
    public const int ValueLength = SessionId.Length + 1 + MacLength;

    private byte[]? _key;

    public async ValueTask<string> ProtectAsync(SessionId id, CancellationToken cancellationToken = default)
    {
        var key = await GetKeyAsync(cancellationToken);
        return string.Concat(id.Value, ".", Base64Url.EncodeToString(Mac(key, id.Value)));
    }

    /// <summary>The session id in a well-formed, genuine cookie value; null for anything else.</summary>
    public async ValueTask<SessionId?> UnprotectAsync(string? cookieValue, CancellationToken cancellationToken = default)
    {
        if (cookieValue is null || cookieValue.Length != ValueLength || cookieValue[SessionId.Length] != '.'
            || !SessionId.TryParse(cookieValue.AsSpan(0, SessionId.Length), out var id))
        {
            return null;
        }

        var presented = new byte[MacBytes];
        if (Base64Url.DecodeFromChars(cookieValue.AsSpan(SessionId.Length + 1), presented, out _, out var written)
            != System.Buffers.OperationStatus.Done || written != MacBytes)
        {
            return null;
        }

        var key = await GetKeyAsync(cancellationToken);
        return CryptographicOperations.FixedTimeEquals(presented, Mac(key, id.Value)) ? id : null;
    }

    private static byte[] Mac(byte[] key, string value) =>
        HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(value))[..MacBytes];

    private async ValueTask<byte[]> GetKeyAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _key) is { } cached)
        {
            return cached;
        }

        var configured = options.Value.CookieKey;
        var key = string.IsNullOrEmpty(configured)
            ? await store.GetOrAddCookieKeyAsync(RandomNumberGenerator.GetBytes(32), cancellationToken)
            : ServerSessionOptions.DecodeCookieKey(configured)!;
        Volatile.Write(ref _key, key);
        return key;
    }
}
