using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace SessionAuth.Web.Sessions;

/// <summary>
/// The name a session goes by everywhere but the cookie: base64url of SHA-256 of its id, 43
/// characters. The stores key records and the per-user index by it, so neither a read of Redis
/// (or a backup of it) nor a client error message that quotes a key yields a usable session id.
/// Listing a user's sessions returns handles; one ends a session without knowing its id.
/// </summary>
public readonly record struct SessionHandle
{
    public const int Length = 43; // base64url of 32 bytes, unpadded

    private SessionHandle(string value) => Value = value;

    public string Value { get; }

    public static SessionHandle Of(SessionId id)
    {
        // A browser's requests bring the same id instance back (the cookie check keeps verified values),
        // so the hash of it is remembered by reference: one SHA-256 per session and instance, not per request.
        var slot = (RuntimeHelpers.GetHashCode(id.Value) & int.MaxValue) % MemoSlots;
        if (Volatile.Read(ref Memo[slot]) is { } known && ReferenceEquals(known.Id, id.Value))
        {
            return known.Handle;
        }

        var handle = new SessionHandle(string.Create(Length, id.Value, static (destination, value) => Write(value, destination)));
        Volatile.Write(ref Memo[slot], new Memoised(id.Value, handle));
        return handle;
    }

    private const int MemoSlots = 4096;

    // Direct-mapped by the id string's identity: fixed in size, an entry replaced by any id that lands on its slot.
    private static readonly Memoised?[] Memo = new Memoised?[MemoSlots];

    private sealed record Memoised(string Id, SessionHandle Handle);

    /// <summary>Parses a handle a page sent back (e.g. "end this session"); false for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out SessionHandle handle)
    {
        handle = default;
        if (text.Length != Length)
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        if (Base64Url.DecodeFromChars(text, hash, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != hash.Length)
        {
            return false;
        }

        // Only the canonical spelling: one handle, one string (the last character carries spare bits).
        Span<char> canonical = stackalloc char[Length];
        Base64Url.EncodeToChars(hash, canonical);
        if (!canonical.SequenceEqual(text))
        {
            return false;
        }

        handle = new SessionHandle(text.ToString());
        return true;
    }

    /// <summary>Writes the handle of <paramref name="id"/> into 43 characters, allocating nothing.</summary>
    internal static void Write(ReadOnlySpan<char> id, Span<char> destination)
    {
        Span<byte> ascii = stackalloc byte[SessionId.Length];
        var length = Encoding.ASCII.GetBytes(id, ascii);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(ascii[..length], hash);
        Base64Url.EncodeToChars(hash, destination);
    }

    /// <summary>The same short fingerprint for logs as <see cref="SessionId.Fingerprint"/> of its id (both start from SHA-256 of the id).</summary>
    public string Fingerprint()
    {
        Span<byte> start = stackalloc byte[6];
        Base64Url.DecodeFromChars(Value.AsSpan(0, 8), start, out _, out _);
        return Convert.ToHexStringLower(start[..4]);
    }

    public override string ToString() => Value ?? "";
}
