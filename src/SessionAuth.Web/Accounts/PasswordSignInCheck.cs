using Microsoft.AspNetCore.Identity;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// The credential check shared by the login form and the token endpoint, so both count toward the
/// same lockout, do the same work for an unknown email, a wrong password and a locked account (decoy
/// hashing: response times do not tell which accounts exist), and log the same security events.
/// Returns the user when the password is right and the account is not locked, else null.
/// </summary>
public sealed class PasswordSignInCheck(
    SignInManager<ApplicationUser> signInManager,
    DecoyPasswordCheck decoy,
    EmailFingerprint fingerprint,
    ILogger<PasswordSignInCheck> logger)
{
    public async Task<ApplicationUser?> CheckAsync(string email, string password, string? clientIp, CancellationToken cancellationToken)
    {
        var users = signInManager.UserManager;
        var user = await users.FindByEmailAsync(email);
        if (user is null || await users.IsLockedOutAsync(user))
        {
            // Unknown email and locked account do the same work as a wrong password, and read the same.
            decoy.Verify(password);
            AccountsLog.LoginFailed(logger, await fingerprint.OfAsync(email, cancellationToken), clientIp, user is null ? "unknown email" : "locked out");
            return null;
        }

        var hashBefore = user.PasswordHash;
        var result = await signInManager.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (!result.Succeeded)
        {
            AccountsLog.LoginFailed(logger, await fingerprint.OfAsync(email, cancellationToken), clientIp, "wrong password");
            if (result.IsLockedOut)
            {
                AccountsLog.AccountLockedOut(logger, user.Id, clientIp);
            }

            return null;
        }

        if (!string.Equals(hashBefore, user.PasswordHash, StringComparison.Ordinal))
        {
            AccountsLog.PasswordHashUpgraded(logger, user.Id);
        }

        return user;
    }
}
