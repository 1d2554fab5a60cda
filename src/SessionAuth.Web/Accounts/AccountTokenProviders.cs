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
/// and a change-email link, which makes exactly that change, works once. A change-email code is bound to the password
/// too: it moves the account (and its password resets) to another mailbox, so one asked for by whoever knew the old
/// password must die when the owner resets or changes it.
/// </summary>
public sealed class EmailLinkTokenProvider(IDataProtectionProvider protection, IOptions<AccountFlowOptions> options, TimeProvider time)
    : IUserTwoFactorTokenProvider<ApplicationUser>
{
    public const string ProviderName = "EmailLink";

    // Version 2 adds the password digest; a version 1 code (made before) still serves every purpose but a change of address.
    private const byte Version = 2;

    private const string ChangeEmailPurposePrefix = "ChangeEmail:";

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
            writer.Write(PasswordDigest(purpose, user));
        }

        return WebEncoders.Base64UrlEncode(_protector.Protect(buffer.ToArray()));
    }

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<ApplicationUser> manager, ApplicationUser user)
    {
        try
        {
            var payload = _protector.Unprotect(WebEncoders.Base64UrlDecode(token));
            using var reader = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
            var version = reader.ReadByte();
            if (version is not (1 or Version))
            {
                return false;
            }

            var created = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
            var userId = reader.ReadString();
            var tokenPurpose = reader.ReadString();
            var address = reader.ReadString();
            var password = version == Version ? reader.ReadString() : null;
            var now = time.GetUtcNow();
            var currentId = await manager.GetUserIdAsync(user);
            var currentAddress = AddressDigest(await manager.GetEmailAsync(user));
            var currentPassword = PasswordDigest(purpose, user);
            return created <= now + TimeSpan.FromMinutes(5) && now - created <= options.Value.EmailConfirmationLifetime
                && string.Equals(userId, currentId, StringComparison.Ordinal)
                && string.Equals(tokenPurpose, purpose, StringComparison.Ordinal)
                && SameDigest(address, currentAddress)
                && (password is null ? currentPassword.Length == 0 : SameDigest(password, currentPassword));
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or EndOfStreamException or IOException)
        {
            return false;
        }
    }

    public Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<ApplicationUser> manager, ApplicationUser user) => Task.FromResult(false);

    // A digest, not the address: the protected payload is encrypted anyway, but it stays small and uniform.
    private static string AddressDigest(string? email) => Digest((email ?? "").Trim().ToUpperInvariant());

    // Not the security stamp: every sign-out rotates it, and a link read after signing out must still work. A new
    // password hash comes only with a new password (or a rehash on sign-in, which costs a new link at worst).
    private static string PasswordDigest(string purpose, ApplicationUser user) =>
        purpose.StartsWith(ChangeEmailPurposePrefix, StringComparison.Ordinal) ? Digest("password:" + user.PasswordHash) : "";

    private static string Digest(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static bool SameDigest(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
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
