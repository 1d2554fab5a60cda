using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// Identity's own Data Protection token provider, under a name and a lifetime of its own
/// (<see cref="AccountFlowOptions.PasswordResetLifetime"/>), for password reset codes only. Its codes carry the
/// security stamp, which the reset itself rotates: a link works once. Any other rotation (a sign-out, ending
/// sessions) ends the link too, which for a forgotten password costs a new request at worst.
/// </summary>
public sealed class PasswordResetTokenProvider(
    IDataProtectionProvider dataProtectionProvider,
    IOptions<PasswordResetTokenProviderOptions> options,
    ILogger<DataProtectorTokenProvider<ApplicationUser>> logger)
    : DataProtectorTokenProvider<ApplicationUser>(dataProtectionProvider, options, logger)
{
    public const string ProviderName = "PasswordReset";
}

public sealed class PasswordResetTokenProviderOptions : DataProtectionTokenProviderOptions;

/// <summary>
/// Codes for the links that confirm an address: after registering (purpose "EmailConfirmation") and for a change
/// of address (purpose "ChangeEmail:" + the new address). Unlike the stamp-bound provider these survive a sign-out
/// (every sign-out rotates the stamp here, and a confirmation link read the next morning must still work); instead
/// each is bound to the address the account has when it is made, so a change of address ends every earlier code,
/// and a change-email link, which makes exactly that change, works once.
/// </summary>
public sealed class EmailLinkTokenProvider(IDataProtectionProvider protection, IOptions<AccountFlowOptions> options, TimeProvider time)
    : IUserTwoFactorTokenProvider<ApplicationUser>
{
    public const string ProviderName = "EmailLink";

    private const byte Version = 1;

    private readonly IDataProtector _protector = protection.CreateProtector("SessionAuth.Accounts.EmailLinkToken.v1");

    public async Task<string> GenerateAsync(string purpose, UserManager<ApplicationUser> manager, ApplicationUser user)
    {
        using var buffer = new MemoryStream();
        await using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Version);
            writer.Write(time.GetUtcNow().UtcTicks);
            writer.Write(await manager.GetUserIdAsync(user));
            writer.Write(purpose);
            writer.Write(AddressDigest(await manager.GetEmailAsync(user)));
        }

        return WebEncoders.Base64UrlEncode(_protector.Protect(buffer.ToArray()));
    }

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<ApplicationUser> manager, ApplicationUser user)
    {
        try
        {
            var payload = _protector.Unprotect(WebEncoders.Base64UrlDecode(token));
            using var reader = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
            if (reader.ReadByte() != Version)
            {
                return false;
            }

            var created = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
            var userId = reader.ReadString();
            var tokenPurpose = reader.ReadString();
            var address = reader.ReadString();
            var now = time.GetUtcNow();
            var currentId = await manager.GetUserIdAsync(user);
            var currentAddress = AddressDigest(await manager.GetEmailAsync(user));
            return created <= now + TimeSpan.FromMinutes(5) && now - created <= options.Value.EmailConfirmationLifetime
                && string.Equals(userId, currentId, StringComparison.Ordinal)
                && string.Equals(tokenPurpose, purpose, StringComparison.Ordinal)
                && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(address), Encoding.ASCII.GetBytes(currentAddress));
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or EndOfStreamException or IOException)
        {
            return false;
        }
    }

    public Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<ApplicationUser> manager, ApplicationUser user) => Task.FromResult(false);

    // A digest, not the address: the protected payload is encrypted anyway, but it stays small and uniform.
    private static string AddressDigest(string? email) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes((email ?? "").Trim().ToUpperInvariant())));
}

/// <summary>The code as it travels in a link: base64url of the provider's text, so no character needs escaping.</summary>
public static class LinkCode
{
    /// <summary>The longest code a link may carry; a longer one is not one of ours and is not decoded.</summary>
    public const int MaxLength = 2048;

    public static string Encode(string token) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));

    public static string? Decode(string? code)
    {
        if (string.IsNullOrEmpty(code) || code.Length > MaxLength)
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
