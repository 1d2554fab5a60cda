using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Accounts.TwoFactor;

/// <summary>
/// A right password of a two-factor account, waiting for its second step. Bound to the user and to the security
/// stamp read with the password that was checked (a password change meanwhile kills it), and to where the person
/// was going. It is no session: nothing signed in holds it.
/// </summary>
public sealed record PendingSignIn(string UserId, string? SecurityStamp, string ReturnUrl, bool RememberMe, DateTimeOffset ExpiresAt);

/// <summary>
/// The random handle the pending step's cookie holds: the user's tag (so the record lands in the user's hash
/// slot) and 256 bits from the CSPRNG. The stores key the record by its SHA-256, never by the handle itself.
/// </summary>
public readonly record struct PendingHandle(string Value)
{
    private const int RandomBytes = 32;
    public const int Length = UserHashTag.Length + 43; // 32 bytes are 43 base64url characters

    public static PendingHandle New(string userId) =>
        new(UserHashTag.Of(userId) + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomBytes)));

    public static bool TryParse(string? text, out PendingHandle handle)
    {
        handle = default;
        if (text is null || !Base64UrlText.HasLength(text, Length))
        {
            return false;
        }

        handle = new PendingHandle(text);
        return true;
    }

    public string Tag => Value[..UserHashTag.Length];

    /// <summary>What the stores key the record by.</summary>
    public string Hash() => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(Value)));

    public override string ToString() => "(pending handle)";
}
