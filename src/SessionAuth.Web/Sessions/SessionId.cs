using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace SessionAuth.Web.Sessions;

/// <summary>
/// An opaque session id: 3 bytes of user tag followed by 18 bytes (144 bits) from the CSPRNG,
/// written as 28 base64url characters. The tag is a hash of the user id, so a user's sessions and
/// their index share one Redis Cluster hash slot; it says nothing about who the user is.
/// </summary>
public readonly record struct SessionId
{
    private const int TagBytes = 3;
    private const int RandomBytes = 18;
    public const int Length = (TagBytes + RandomBytes) / 3 * 4; // 28
    public const int TagLength = TagBytes / 3 * 4; // 4

    private SessionId(string value) => Value = value;

    public string Value { get; }

    /// <summary>The Redis Cluster hash tag shared with the owner's other sessions.</summary>
    public string Tag => Value[..TagLength];

    /// <summary>The session's public name: a one-way hash of this id (see <see cref="SessionHandle"/>).</summary>
    public SessionHandle Handle => SessionHandle.Of(this);

    public static SessionId New(string userId)
    {
        Span<byte> bytes = stackalloc byte[TagBytes + RandomBytes];
        WriteUserTag(userId, bytes[..TagBytes]);
        RandomNumberGenerator.Fill(bytes[TagBytes..]);
        return new SessionId(Base64Url.EncodeToString(bytes));
    }

    public static string UserTag(string userId)
    {
        Span<byte> tag = stackalloc byte[TagBytes];
        WriteUserTag(userId, tag);
        return Base64Url.EncodeToString(tag);
    }

    public static bool TryParse(ReadOnlySpan<char> text, out SessionId id)
    {
        id = default;
        if (!Base64UrlText.HasLength(text, Length))
        {
            return false;
        }

        id = new SessionId(text.ToString());
        return true;
    }

    /// <summary>A short, one-way fingerprint for logs: never log the id itself.</summary>
    public string Fingerprint()
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.ASCII.GetBytes(Value), hash);
        return Convert.ToHexStringLower(hash[..4]);
    }

    public override string ToString() => Fingerprint();

    private static void WriteUserTag(string userId, Span<byte> destination)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(userId), hash);
        hash[..destination.Length].CopyTo(destination);
    }
}
