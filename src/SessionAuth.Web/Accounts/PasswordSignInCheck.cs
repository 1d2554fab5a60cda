using System.Data.Common;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Email;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// The credential check shared by the login form and the token endpoint, so both count toward the
/// same lockout, do the same work for an unknown email, a wrong password and a locked account (decoy
/// hashing: response times do not tell which accounts exist), and log the same security events and
/// activity rows (a failure is recorded for a known email only, after the answer is sent, so it costs
/// the answer no time an unknown email would not).
/// Only a correct password learns more than "no": that the account is locked for now, or that its address
/// must be confirmed first (<see cref="AccountFlowOptions.RequireConfirmedEmail"/>).
/// </summary>
public sealed class PasswordSignInCheck(
    SignInManager<ApplicationUser> signInManager,
    DecoyPasswordCheck decoy,
    EmailFingerprint fingerprint,
    SessionRevocation sessions,
    AccountsDbContext db,
    ActivityLog activity,
    AccountLocks locks,
    IOptions<AccountFlowOptions> flows,
    SessionAuthMetrics metrics,
    ILogger<PasswordSignInCheck> logger)
{
    public async Task<SignInCheckResult> CheckAsync(string email, string password, HttpContext http, CancellationToken cancellationToken)
    {
        var clientIp = http.Connection.RemoteIpAddress?.ToString();
        var users = signInManager.UserManager;
        var user = await users.FindByEmailAsync(email);
        if (user is null || await users.IsLockedOutAsync(user))
        {
            // Unknown email and locked account do the same work as a wrong password, and read the same. A lockout from
            // wrong guesses checks the real hash (the same work): its owner, who knows the password, hears why and is
            // offered the reset. An operator's lock stays silent: a reset would not lift it.
            var lockedButRight = false;
            if (user is { PasswordHash: { } hash } && !locks.IsLockedByOperator(user))
            {
                lockedButRight = users.PasswordHasher.VerifyHashedPassword(user, hash, password) != PasswordVerificationResult.Failed;
            }
            else
            {
                decoy.Verify(password);
            }

            metrics.SignInFailed(user is null ? "unknown-email" : "locked-out");
            AccountsLog.LoginFailed(logger, await fingerprint.OfAsync(email, cancellationToken), clientIp, user is null ? "unknown email" : "locked out");
            if (user is not null)
            {
                activity.RecordAfterResponse(user.Id, ActivityKind.SignInFailed, http, "account locked");
            }

            return lockedButRight ? new(SignInCheckOutcome.LockedOut, null) : SignInCheckResult.Failed;
        }

        var hashBefore = user.PasswordHash;
        var stampBefore = user.SecurityStamp;
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

            return SignInCheckResult.Failed;
        }

        if (!string.Equals(hashBefore, user.PasswordHash, StringComparison.Ordinal))
        {
            AccountsLog.PasswordHashUpgraded(logger, user.Id);
            await KeepCredentialsAsync(user, stampBefore, cancellationToken);
        }

        if (flows.Value.RequireConfirmedEmail && !user.EmailConfirmed)
        {
            metrics.SignInFailed("email-not-confirmed");
            AccountsLog.LoginFailed(logger, await fingerprint.OfAsync(email, cancellationToken), clientIp, "email not confirmed");
            return new(SignInCheckOutcome.EmailNotConfirmed, null);
        }

        return new(SignInCheckOutcome.Succeeded, user);
    }

    /// <summary>
    /// Identity's hash upgrade rotates the security stamp, which would end every other session and every API
    /// grant of the user: nothing about the password changed, so they move to the new stamp as at a sign-out.
    /// Only when the upgrade was stored (Identity ignores a failed save, and moving the credentials to a stamp
    /// never stored would end them). Best effort: the sign-in itself has succeeded.
    /// </summary>
    private async Task KeepCredentialsAsync(ApplicationUser user, string? stampBefore, CancellationToken cancellationToken)
    {
        var stamp = user.SecurityStamp;
        if (stampBefore is null || stamp is null || string.Equals(stampBefore, stamp, StringComparison.Ordinal))
        {
            return;
        }

        try
        {
            var stored = await db.Users.AsNoTracking().Where(u => u.Id == user.Id).Select(u => u.SecurityStamp).SingleOrDefaultAsync(cancellationToken);
            if (string.Equals(stored, stamp, StringComparison.Ordinal))
            {
                await sessions.MoveStampAsync(user.Id, stampBefore, stamp, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is DbException or SessionStoreUnavailableException)
        {
            // The other sessions and grants keep the replaced stamp and end at their next check: fail closed.
            AccountsLog.CredentialsNotMovedAfterHashUpgrade(logger, user.Id, ex);
        }
    }
}

public enum SignInCheckOutcome
{
    /// <summary>Unknown email, wrong password, or locked (by an operator, or with a wrong password): one answer for all.</summary>
    Failed,

    Succeeded,

    /// <summary>The right password, on an account locked for now by wrong guesses.</summary>
    LockedOut,

    /// <summary>The right password, on an account whose address is unconfirmed while <see cref="AccountFlowOptions.RequireConfirmedEmail"/> is on.</summary>
    EmailNotConfirmed,
}

/// <summary>The outcome; <see cref="User"/> is set only when the sign-in may go ahead.</summary>
public readonly record struct SignInCheckResult(SignInCheckOutcome Outcome, ApplicationUser? User)
{
    public static SignInCheckResult Failed => new(SignInCheckOutcome.Failed, null);
}
