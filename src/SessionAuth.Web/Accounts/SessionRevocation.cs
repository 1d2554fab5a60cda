using System.Data.Common;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// Ending a user's sessions on purpose (the sessions page, account deletion): the one place the rules
/// live. Each end is immediate on every instance (the record is gone from the shared store) and is
/// then made durable against a lost delete: the user's security stamp is rotated in the accounts
/// database and the surviving sessions are re-stamped, so a copy of an ended session that Redis brings
/// back (an async replica promoted, a restored backup) dies at its next re-validation.
/// Throws <see cref="SessionStoreUnavailableException"/> when the store cannot be reached.
/// </summary>
public sealed class SessionRevocation(
    ISessionStore store,
    UserManager<ApplicationUser> users,
    AccountsDbContext db,
    SessionAuthMetrics metrics,
    IEnumerable<IUserCredentialRevoker> otherCredentials,
    ILogger<SessionRevocation> logger) : ISessionStampRotator
{
    private const int StampAttempts = 3;

    /// <summary>Ends the user's session named by <paramref name="handle"/>; false (nothing changed) if unknown, foreign or gone.</summary>
    public async Task<bool> RevokeAsync(string userId, SessionHandle handle, CancellationToken cancellationToken)
    {
        if (await store.RemoveByHandleAsync(userId, handle, cancellationToken) is null)
        {
            return false;
        }

        SessionLog.SessionsRevoked(logger, userId, 1, "one");
        metrics.SessionEnded(SessionEndReason.Revoke);
        await RotateStampAsync(userId, cancellationToken);
        return true;
    }

    /// <summary>
    /// Ends every session of the user but <paramref name="current"/>, and every other credential
    /// (<see cref="IUserCredentialRevoker"/>: API grants); returns how many ended in all.
    /// </summary>
    public Task<int> RevokeOthersAsync(string userId, SessionId current, CancellationToken cancellationToken) =>
        RevokeEverythingAsync(userId, current, "others", cancellationToken);

    /// <summary>Ends every session of the user, the current one too, and every other credential; returns how many ended in all.</summary>
    public Task<int> RevokeAllAsync(string userId, CancellationToken cancellationToken) =>
        RevokeEverythingAsync(userId, except: null, "all", cancellationToken);

    private async Task<int> RevokeEverythingAsync(string userId, SessionId? except, string scope, CancellationToken cancellationToken)
    {
        var sessions = await store.RemoveAllByUserAsync(userId, except, cancellationToken);
        metrics.SessionEnded(SessionEndReason.Revoke, sessions);
        var ended = sessions + await RevokeOtherCredentialsAsync(userId, cancellationToken);
        SessionLog.SessionsRevoked(logger, userId, ended, scope);
        await RotateStampAsync(userId, cancellationToken);
        return ended;
    }

    /// <summary>Ends the user's credentials other than sessions (API grants); returns how many.</summary>
    private async Task<int> RevokeOtherCredentialsAsync(string userId, CancellationToken cancellationToken)
    {
        var ended = 0;
        foreach (var revoker in otherCredentials)
        {
            ended += await revoker.RevokeAllAsync(userId, cancellationToken);
        }

        return ended;
    }

    /// <summary>
    /// The database first, then the grants and the sessions: a credential re-validated in between sees a new
    /// stamp on the user and an old one on itself, and reads its record again before ending it.
    /// Best effort once the sessions are ended: a failure is logged, never thrown, because what the
    /// caller asked for (ending them) has happened.
    /// </summary>
    public async Task RotateStampAsync(string userId, CancellationToken cancellationToken)
    {
        try
        {
            var user = await users.FindByIdAsync(userId);
            for (var attempt = 1; user is not null; attempt++)
            {
                var before = await users.GetSecurityStampAsync(user);
                var result = await users.UpdateSecurityStampAsync(user);
                if (result.Succeeded)
                {
                    // Only sessions and grants on the stamp just replaced: one whose sign-in read the user before a
                    // password change (and landed after the revoke) must stay refused.
                    await MoveStampAsync(userId, before, await users.GetSecurityStampAsync(user), cancellationToken);
                    return;
                }

                if (attempt == StampAttempts || !result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure)))
                {
                    break;
                }

                // Another write to the user won (a wrong password counted, say). The refused update left this tracked
                // user with a stamp never stored and the old concurrency stamp, which FindByIdAsync would hand back as
                // it is: read the row again, so the retry starts from what is stored.
                var entry = db.Entry(user);
                await entry.ReloadAsync(cancellationToken);
                if (entry.State == EntityState.Detached)
                {
                    return; // Deleted meanwhile: every session dies at its next validation anyway.
                }
            }

            if (user is not null)
            {
                SessionLog.StampNotRotated(logger, userId, null);
            }
        }
        catch (Exception ex) when (ex is DbException or SessionStoreUnavailableException)
        {
            // The database unreachable: the ended sessions are gone, but a lost delete would not be
            // caught. Redis unreachable after the rotation: the survivors carry the old stamp and end
            // at their next validation (fail closed: the user signs in again).
            SessionLog.StampNotRotated(logger, userId, ex);
        }
    }

    /// <summary>
    /// The user's stamp has moved from <paramref name="replacedStamp"/> to <paramref name="newStamp"/> by a change that
    /// leaves their credentials valid (a sign-out, a password hash upgraded at sign-in): the grants and sessions
    /// carrying the replaced stamp take the new one; any other stays refused. Grants first: a refresh that sees the
    /// moved stamp ends its grant after one more read, so that window is kept short. Unreachable Redis throws
    /// <see cref="SessionStoreUnavailableException"/>.
    /// </summary>
    public async Task MoveStampAsync(string userId, string replacedStamp, string newStamp, CancellationToken cancellationToken)
    {
        foreach (var credential in otherCredentials)
        {
            await credential.RestampAsync(userId, replacedStamp, newStamp, cancellationToken);
        }

        await store.RestampAllByUserAsync(userId, replacedStamp, newStamp, cancellationToken);
    }
}
