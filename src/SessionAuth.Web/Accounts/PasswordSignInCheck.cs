using Microsoft.AspNetCore.Identity;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// The credential check shared by the login form and the token endpoint, so both count toward the
/// same lockout, do the same work for an unknown email, a wrong password and a locked account (decoy
/// hashing: response times do not tell which accounts exist), and log the same security events and
/// activity rows (a failure is recorded for a known email only, after the answer is sent, so it costs
/// the answer no time an unknown email would not).
/// Returns the user when the password is right and the account is not locked, else null.
/// </summary>
public sealed class PasswordSignInCheck(
    SignInManager<ApplicationUser> signInManager,
    DecoyPasswordCheck decoy,
    EmailFingerprint fingerprint,
    ActivityLog activity,
    SessionAuthMetrics metrics,
    ILogger<PasswordSignInCheck> logger)
{
    public async Task<ApplicationUser?> CheckAsync(string email, string password, HttpContext http, CancellationToken cancellationToken)
    {
        var clientIp = http.Connection.RemoteIpAddress?.ToString();
        var users = signInManager.UserManager;
        var user = await users.FindByEmailAsync(email);
        if (user is null || await users.IsLockedOutAsync(user))
        {
            // Unknown email and locked account do the same work as a wrong password, and read the same.
            decoy.Verify(password);
            metrics.SignInFailed(user is null ? "unknown-email" : "locked-out");
            AccountsLog.LoginFailed(logger, await fingerprint.OfAsync(email, cancellationToken), clientIp, user is null ? "unknown email" : "locked out");
            if (user is not null)
            {
                activity.RecordAfterResponse(user.Id, ActivityKind.SignInFailed, http, "account locked");
            }

            return null;
        }

        var hashBefore = user.PasswordHash;
        var result = await signInManager.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (!result.Succeeded)
        {
            metrics.SignInFailed(result.IsLockedOut ? "locked-out" : "wrong-password");
            AccountsLog.LoginFailed(logger, await fingerprint.OfAsync(email, cancellationToken), clientIp, "wrong password");
            activity.RecordAfterResponse(user.Id, ActivityKind.SignInFailed, http, "wrong password");
            if (result.IsLockedOut)
            {
                AccountsLog.AccountLockedOut(logger, user.Id, clientIp);
                activity.RecordAfterResponse(user.Id, ActivityKind.LockedOut, http);
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
