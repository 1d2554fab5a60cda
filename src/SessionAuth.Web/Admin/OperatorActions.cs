using Microsoft.AspNetCore.Identity;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Email;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Admin;

public enum OperatorOutcome
{
    Done,

    /// <summary>No such account (deleted meanwhile, or a made-up id): nothing changed.</summary>
    UserNotFound,

    /// <summary>An operator may not lock their own account from the console: nothing changed.</summary>
    OwnAccount,

    /// <summary>The accounts database refused the change (a concurrent write won every attempt): nothing changed.</summary>
    NotStored,

    /// <summary>Locked, but the session store could not be reached: sessions and grants end at their next check.</summary>
    LockedSessionsPending,

    /// <summary>The user's address already had Email:MaxPerRecipientPerHour such mails this hour: none sent now.</summary>
    MailCapReached,
}

public sealed record OperatorResult(OperatorOutcome Outcome, int Ended = 0);

/// <summary>
/// What an operator does to an account from the console. Each action goes through the machinery the owner's
/// own actions use (<see cref="SessionRevocation"/>, <see cref="AccountLocks"/>), so it holds on every instance,
/// and leaves two traces: an activity row the user sees on their sessions page, naming an administrator (and
/// recorded without the operator's address or browser), and a log event with the operator's id.
/// </summary>
public sealed class OperatorActions(
    UserManager<ApplicationUser> users,
    AccountLocks locks,
    SessionRevocation revocation,
    AccountMailer mailer,
    ActivityLog activity,
    ILogger<OperatorActions> logger)
{
    /// <summary>
    /// Ends every session and API grant of the user at once (the record is gone from the shared store, and the
    /// stamp rotates). Unreachable Redis throws <see cref="SessionStoreUnavailableException"/>: nothing recorded.
    /// </summary>
    public async Task<OperatorResult> EndEverythingAsync(string operatorId, string userId, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(userId) is null)
        {
            return new OperatorResult(OperatorOutcome.UserNotFound);
        }

        var ended = await revocation.RevokeAllAsync(userId, cancellationToken);
        await RecordAsync(userId, ActivityKind.SignedOutEverywhereByAdministrator, Ended(ended));
        AdminLog.EndedSessions(logger, operatorId, userId, ended);
        return new OperatorResult(OperatorOutcome.Done, ended);
    }

    /// <summary>
    /// The operator's lock (<see cref="AccountLocks.LockByOperatorAsync"/>: no end, a new security stamp), then
    /// every session and grant ended at once. Form and API sign-in are refused until <see cref="UnlockAsync"/>.
    /// </summary>
    public async Task<OperatorResult> LockAsync(string operatorId, string userId, CancellationToken cancellationToken)
    {
        if (string.Equals(operatorId, userId, StringComparison.Ordinal))
        {
            // Locking oneself out is never what an operator in a hurry means, and it could leave nobody at the console.
            AdminLog.ActionRefused(logger, operatorId, "lock", userId, "own account");
            return new OperatorResult(OperatorOutcome.OwnAccount);
        }

        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return new OperatorResult(OperatorOutcome.UserNotFound);
        }

        var locked = await locks.LockByOperatorAsync(user);
        if (!locked.Succeeded)
        {
            AdminLog.ActionRefused(logger, operatorId, "lock", userId, string.Join(" ", locked.Errors.Select(e => e.Code)));
            return new OperatorResult(OperatorOutcome.NotStored);
        }

        int ended;
        try
        {
            ended = await revocation.RevokeAllAsync(userId, cancellationToken);
        }
        catch (SessionStoreUnavailableException ex)
        {
            // The lock and the new stamp are stored: every session and grant dies at its next check anyway.
            AdminLog.LockSessionsPending(logger, operatorId, userId, ex);
            await RecordAsync(userId, ActivityKind.LockedByAdministrator, null);
            return new OperatorResult(OperatorOutcome.LockedSessionsPending);
        }

        await RecordAsync(userId, ActivityKind.LockedByAdministrator, Ended(ended));
        AdminLog.LockedAccount(logger, operatorId, userId, ended);
        return new OperatorResult(OperatorOutcome.Done, ended);
    }

    /// <summary>Lifts the operator's lock and any lockout from wrong guesses, and starts the failure count again.</summary>
    public async Task<OperatorResult> UnlockAsync(string operatorId, string userId)
    {
        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return new OperatorResult(OperatorOutcome.UserNotFound);
        }

        var unlocked = await locks.UnlockAsync(user);
        if (!unlocked.Succeeded)
        {
            AdminLog.ActionRefused(logger, operatorId, "unlock", userId, string.Join(" ", unlocked.Errors.Select(e => e.Code)));
            return new OperatorResult(OperatorOutcome.NotStored);
        }

        await RecordAsync(userId, ActivityKind.UnlockedByAdministrator, null);
        AdminLog.UnlockedAccount(logger, operatorId, userId);
        return new OperatorResult(OperatorOutcome.Done);
    }

    /// <summary>
    /// Mails the user a password-reset link (the owner's own forgot-password mail: one use, Accounts:PasswordResetLifetime),
    /// for an account the operator has just secured. Nothing else changes until the user opens it; the per-recipient
    /// cap (Email:MaxPerRecipientPerHour) applies as it does to the owner's own requests.
    /// </summary>
    public async Task<OperatorResult> SendPasswordResetAsync(string operatorId, string userId, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(userId) is not { Email: not null } user)
        {
            return new OperatorResult(OperatorOutcome.UserNotFound);
        }

        var queued = await mailer.SendPasswordResetAsync(user, cancellationToken);
        AdminLog.SentPasswordReset(logger, operatorId, userId, queued.ToString());
        if (queued == MailQueueResult.RecipientCapReached)
        {
            return new OperatorResult(OperatorOutcome.MailCapReached);
        }

        await RecordAsync(userId, ActivityKind.PasswordResetSentByAdministrator, null);
        return new OperatorResult(OperatorOutcome.Done);
    }

    // No address or browser: those would be the operator's, and the row is the user's.
    private Task RecordAsync(string userId, ActivityKind kind, string? detail) =>
        activity.RecordAsync(userId, kind, clientIp: null, userAgent: null, detail);

    private static string Ended(int count) => count == 1 ? "1 session or API client ended" : $"{count} sessions and API clients ended";
}
