using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Sessions;

/// <summary>
/// An opaque session id: 3 bytes of user tag (<see cref="UserHashTag"/>) followed by 18 bytes (144 bits) from the CSPRNG,
/// written as 28 base64url characters. The tag is a hash of the user id, so a user's sessions and
/// their index share one Redis Cluster hash slot; it says nothing about who the user is.
/// The lowest bit of the last byte says whether the session is persistent ("Keep me signed in"), so
/// the per-request GETEX can set the right idle expiry before reading the record (143 random bits stay).
/// </summary>
public readonly record struct SessionId
{
    private const int TagBytes = UserHashTag.Bytes;
    private const int RandomBytes = 18;
    public const int Length = (TagBytes + RandomBytes) / 3 * 4; // 28
    public const int TagLength = UserHashTag.Length; // 4

    private SessionId(string value) => Value = value;

    public string Value { get; }

    /// <summary>The Redis Cluster hash tag shared with the owner's other sessions.</summary>
    public string Tag => Value[..TagLength];

    /// <summary>The session's public name: a one-way hash of this id (see <see cref="SessionHandle"/>).</summary>
    public SessionHandle Handle => SessionHandle.Of(this);

    /// <summary>Whether the id was made for a persistent session (see <see cref="New"/>).</summary>
    public bool IsPersistent => Value is { Length: Length } value && (Base64UrlDigit(value[^1]) & 1) == 1;

    public static SessionId New(string userId, bool persistent = false)
    {
        Span<byte> bytes = stackalloc byte[TagBytes + RandomBytes];
        UserHashTag.Write(userId, bytes[..TagBytes]);
        RandomNumberGenerator.Fill(bytes[TagBytes..]);
        bytes[^1] = (byte)((bytes[^1] & 0xFE) | (persistent ? 1 : 0));
        return new SessionId(Base64Url.EncodeToString(bytes));
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
    public string Fingerprint() => Handle.Fingerprint();

    public override string ToString() => Fingerprint();

    /// <summary>The 6-bit value of one base64url character; the last one carries the last byte's low bits.</summary>
    private static int Base64UrlDigit(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '-' => 62,
        _ => 63,
    };
}
