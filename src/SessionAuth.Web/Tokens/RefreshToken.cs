using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Tokens;

/// <summary>
/// An opaque refresh token: the owner's user tag (4 characters, as in <see cref="UserHashTag"/>, so the
/// grant is found in the user's Redis hash slot without a lookup), the grant's handle (20), and 264
/// bits from the CSPRNG (44), written as 68 base64url characters. The store keeps only its SHA-256.
/// </summary>
public readonly record struct RefreshToken
{
    private const int SecretBytes = 33;
    public const int Length = UserHashTag.Length + GrantHandle.Length + SecretBytes / 3 * 4; // 68

    private RefreshToken(string value) => Value = value;

    public string Value { get; }

    public string Tag => Value[..UserHashTag.Length];

    public GrantHandle Handle => GrantHandle.Parse(Value.Substring(UserHashTag.Length, GrantHandle.Length));

    public static RefreshToken New(string tag, GrantHandle handle)
    {
        Span<byte> secret = stackalloc byte[SecretBytes];
        RandomNumberGenerator.Fill(secret);
        return new RefreshToken(tag + handle.Value + Base64Url.EncodeToString(secret));
    }

    public static bool TryParse(string? text, out RefreshToken token)
    {
        token = default;
        if (text is null || !Base64UrlText.HasLength(text, Length))
        {
            return false;
        }

        token = new RefreshToken(text);
        return true;
    }

    /// <summary>What the store keeps: a one-way hash (the secret has 264 bits, so no slow hash is needed).</summary>
    public string Hash() => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(Value)));

    /// <summary>Never print the token itself.</summary>
    public override string ToString() => Hash()[..8];
}

/// <summary>
/// The public name of a grant: the device list shows it and its Revoke form posts it back. It is a
/// one-way hash of the grant id (which access tokens carry as <c>sid</c>), so neither the grant id nor
/// a token can be derived from it, and it is only honoured for the grant's own user.
/// </summary>
public readonly record struct GrantHandle
{
    public const int Length = 20; // 15 bytes of SHA-256, base64url

    private GrantHandle(string value) => Value = value;

    public string Value { get; }

    public static GrantHandle Of(string grantId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("grant:" + grantId), hash);
        return new GrantHandle(Base64Url.EncodeToString(hash[..15]));
    }

    public static bool TryParse(string? text, out GrantHandle handle)
    {
        handle = default;
        if (text is null || !Base64UrlText.HasLength(text, Length))
        {
            return false;
        }

        handle = new GrantHandle(text);
        return true;
    }

    internal static GrantHandle Parse(string text) =>
        TryParse(text, out var handle) ? handle : throw new FormatException("Not a grant handle.");

    public override string ToString() => Value;
}

/// <summary>
/// A new grant's facts at sign-in through the API. <paramref name="SecurityStamp"/> is the user's stamp as
/// read with the password hash that was checked: a refresh after any change of it (password change, revoke,
/// operator lock) is refused.
/// </summary>
/// <paramref name="Amr"/>: how the sign-in was made (<see cref="Accounts.SignInMethods"/>); every access token of the grant carries it.
public sealed record RefreshGrant(string Id, string UserId, string SecurityStamp, DateTimeOffset CreatedAt, string? ClientIp, string? UserAgent, IReadOnlyList<string>? Amr = null)
{
    /// <summary>128 bits from the CSPRNG; access tokens carry it as <c>sid</c>.</summary>
    public static string NewId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    public GrantHandle Handle => GrantHandle.Of(Id);
}

/// <summary>One row of the device list: what a person needs to recognise and end an API client.</summary>
public sealed record GrantSummary(GrantHandle Handle, string? UserAgent, string? ClientIp, DateTimeOffset CreatedAt, DateTimeOffset LastRefreshedAt, IReadOnlyList<string>? Amr = null);

public enum RefreshOutcome
{
    /// <summary>Unknown, expired, revoked or forged: refused, nothing else changes.</summary>
    Refused,

    /// <summary>The current token: rotated, <see cref="RefreshResult.Token"/> is its successor.</summary>
    Rotated,

    /// <summary>A token that had already been rotated: the whole grant has ended.</summary>
    Reused,
}

/// <summary><see cref="SecurityStamp"/>: the one the grant carries (null for a grant stored before grants had one).</summary>
public sealed record RefreshResult(RefreshOutcome Outcome, string? UserId = null, string? GrantId = null, RefreshToken? Token = null, string? SecurityStamp = null, IReadOnlyList<string>? Amr = null)
{
    public static readonly RefreshResult Refused = new(RefreshOutcome.Refused);
}
