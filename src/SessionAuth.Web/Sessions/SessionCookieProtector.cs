using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Sessions;

/// <summary>
/// Writes and checks the session cookie value: <c>&lt;session id&gt;.&lt;HMAC-SHA256 of it, first 128 bits&gt;</c>,
/// 51 ASCII characters whatever the user holds. Data Protection would do the same job at ~134
/// characters for a 21-byte id (header, key id, IV, padding, MAC): more than the cookie budget.
/// A value that fails the check never reaches the store.
/// </summary>
internal sealed class SessionCookieProtector(
    ICookieKeyStore store, IOptions<ServerSessionOptions> options, ILogger<SessionCookieProtector> logger) : IKeyDerivation
{
    private const int MacBytes = 16;
    private const int MacLength = 22; // base64url of 16 bytes
    public const int ValueLength = SessionId.Length + 1 + MacLength;

    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(10);
    private const int KeysKept = 3;

    private KeySet? _keys;
    private long _lastRefresh = long.MinValue;

    // Cookie values this instance has verified under the current key set, so a browser's next request
    // costs a string comparison instead of an HMAC. Direct-mapped and fixed in size: a value that lands
    // on a taken slot replaces it (never a growing table an attacker could fill), and a new key set
    // starts an empty one. Only the exact value verified before hits, so a forged value still meets
    // the HMAC; the hit hands back the same id instance, whose handle SessionHandle then memoises.
    private const int VerifiedSlots = 4096;
    private VerifiedCookie?[] _verified = new VerifiedCookie?[VerifiedSlots];

    /// <summary>Signs a new session's id. Sign-in (not the per-request path) checks the shared key first.</summary>
    public async ValueTask<string> ProtectAsync(SessionId id, CancellationToken cancellationToken = default)
    {
        var keys = await SyncAsync(await GetKeysAsync(cancellationToken), cancellationToken);
        return string.Concat(id.Value, ".", Base64Url.EncodeToString(Mac(keys.Current, id.Value)));
    }

    /// <summary>The session id in a well-formed, genuine cookie value; null for anything else.</summary>
    public ValueTask<SessionId?> UnprotectAsync(string? cookieValue, CancellationToken cancellationToken = default)
    {
        if (cookieValue is null || cookieValue.Length != ValueLength || cookieValue[SessionId.Length] != '.'
            || !SessionId.TryParse(cookieValue.AsSpan(0, SessionId.Length), out var id))
        {
            return ValueTask.FromResult<SessionId?>(null);
        }

        // The per-request path: keys cached, nothing awaited, nothing allocated but the id.
        var verified = Volatile.Read(ref _verified);
        var slot = (cookieValue.GetHashCode() & int.MaxValue) % VerifiedSlots;
        if (Volatile.Read(ref verified[slot]) is { } seen && string.Equals(seen.Value, cookieValue, StringComparison.Ordinal))
        {
            return ValueTask.FromResult<SessionId?>(seen.Id);
        }

        if (Volatile.Read(ref _keys) is { } keys && keys.Verifies(cookieValue))
        {
            Volatile.Write(ref verified[slot], new VerifiedCookie(cookieValue, id));
            return ValueTask.FromResult<SessionId?>(id);
        }

        return UnprotectSlowAsync(cookieValue, id, cancellationToken);
    }

    private sealed record VerifiedCookie(string Value, SessionId Id);

    /// <summary>
    /// A 32-byte key for <paramref name="purpose"/> (HKDF-SHA256 of the current signing key, info =
    /// purpose), for secrets that should be per deployment without a setting of their own, such as
    /// an HMAC that fingerprints emails in logs. It changes when the signing key does.
    /// </summary>
    public async ValueTask<byte[]> DeriveKeyAsync(string purpose, CancellationToken cancellationToken = default)
    {
        var keys = await GetKeysAsync(cancellationToken);
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, keys.Current, 32, info: Encoding.UTF8.GetBytes(purpose));
    }

    private async ValueTask<SessionId?> UnprotectSlowAsync(string cookieValue, SessionId id, CancellationToken cancellationToken)
    {
        var keys = await GetKeysAsync(cancellationToken);
        if (keys.Verifies(cookieValue))
        {
            return id;
        }

        // An unknown key may be a new shared key, written by another instance after the store lost
        // or replaced the old one (a restored database backup). Look again, at most every few seconds.
        var refreshed = await RefreshAsync(keys, cancellationToken);
        return refreshed is not null && refreshed.Verifies(cookieValue) ? id : null;
    }

    private static byte[] Mac(byte[] key, string value)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        ComputeMac(key, value, mac);
        return mac[..MacBytes].ToArray();
    }

    private static void ComputeMac(byte[] key, ReadOnlySpan<char> value, Span<byte> destination)
    {
        Span<byte> ascii = stackalloc byte[SessionId.Length];
        var length = Encoding.ASCII.GetBytes(value, ascii);
        HMACSHA256.HashData(key, ascii[..length], destination);
    }

    private async ValueTask<KeySet> GetKeysAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _keys) is { } cached)
        {
            return cached;
        }

        var settings = options.Value;
        var configured = string.IsNullOrEmpty(settings.CookieKey) ? null : ServerSessionOptions.DecodeCookieKey(settings.CookieKey);
        var key = configured ?? await store.GetOrAddCookieKeyAsync(RandomNumberGenerator.GetBytes(32), cancellationToken);
        var previous = settings.PreviousCookieKeys.Select(k => ServerSessionOptions.DecodeCookieKey(k)!).ToArray();
        if (Interlocked.CompareExchange(ref _keys, new KeySet(key, [key], previous), null) is null)
        {
            SessionLog.CookieKeyLoaded(logger, Fingerprint(key), configured is null ? $"the {store.Name}" : "Sessions:CookieKey",
                previous.Length);
        }

        Interlocked.Exchange(ref _lastRefresh, Environment.TickCount64);
        return Volatile.Read(ref _keys)!;
    }

    private async ValueTask<KeySet?> RefreshAsync(KeySet keys, CancellationToken cancellationToken)
    {
        var last = Interlocked.Read(ref _lastRefresh);
        var now = Environment.TickCount64;
        if (!string.IsNullOrEmpty(options.Value.CookieKey) || now - last < RefreshInterval.TotalMilliseconds
            || Interlocked.CompareExchange(ref _lastRefresh, now, last) != last)
        {
            return null;
        }

        return await SyncAsync(keys, cancellationToken);
    }

    /// <summary>
    /// Offering our key puts it back if the store lost it; otherwise we adopt the one it holds and
    /// keep accepting the keys we signed with before. Adopting is logged as a warning: it is what a
    /// restored or replaced key row looks like, and also what someone with write access to the database would do.
    /// </summary>
    private async ValueTask<KeySet> SyncAsync(KeySet keys, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(options.Value.CookieKey))
        {
            return keys;
        }

        var current = await store.GetOrAddCookieKeyAsync(keys.Current, cancellationToken);
        if (current.AsSpan().SequenceEqual(keys.Current))
        {
            return keys;
        }

        var updated = new KeySet(current, [current, .. keys.Recent.Take(KeysKept - 1)], keys.Previous);
        if (Interlocked.CompareExchange(ref _keys, updated, keys) != keys)
        {
            return Volatile.Read(ref _keys)!; // another request adopted (and logged) it first
        }

        Volatile.Write(ref _verified, new VerifiedCookie?[VerifiedSlots]);
        SessionLog.CookieKeyChanged(logger, Fingerprint(keys.Current), Fingerprint(current), store.Name);
        return updated;
    }

    /// <summary>A short one-way fingerprint of a key, to compare instances and spot changes: never the key.</summary>
    internal static string Fingerprint(ReadOnlySpan<byte> key)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(key, hash);
        return Convert.ToHexStringLower(hash[..4]);
    }

    /// <summary>
    /// The key new cookies are signed with; the keys this instance signed with before (adopted ones
    /// replaced them); and Sessions:PreviousCookieKeys, accepted for verification only.
    /// </summary>
    private sealed record KeySet(byte[] Current, IReadOnlyList<byte[]> Recent, IReadOnlyList<byte[]> Previous)
    {
        /// <summary>True when the cookie value's tag is the HMAC of its id under one of the keys.</summary>
        public bool Verifies(string cookieValue)
        {
            Span<byte> presented = stackalloc byte[MacBytes];
            if (Base64Url.DecodeFromChars(cookieValue.AsSpan(SessionId.Length + 1), presented, out _, out var written)
                != System.Buffers.OperationStatus.Done || written != MacBytes)
            {
                return false;
            }

            Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
            return Matches(Recent, cookieValue, presented, expected) || Matches(Previous, cookieValue, presented, expected);
        }

        private static bool Matches(IReadOnlyList<byte[]> keys, string cookieValue, ReadOnlySpan<byte> presented, Span<byte> expected)
        {
            foreach (var key in keys)
            {
                ComputeMac(key, cookieValue.AsSpan(0, SessionId.Length), expected);
                if (CryptographicOperations.FixedTimeEquals(presented, expected[..MacBytes]))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
