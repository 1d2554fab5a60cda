using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// Two locks share Identity's <c>LockoutEnd</c>. Five wrong passwords lock for
/// <see cref="LockoutOptions.DefaultLockoutTimeSpan"/>: that only blocks new sign-ins, or anyone who
/// knows an email could sign its owner out everywhere. An operator's lock (<see cref="LockByOperatorAsync"/>)
/// ends far past that and rotates the security stamp: it also ends the user's sessions at their next
/// validation and refuses their refresh tokens. A lock whose end lies beyond now + the guessing
/// lockout's length can only have been set by an operator (or directly in the database).
/// </summary>
public sealed class AccountLocks(UserManager<ApplicationUser> users, IOptions<IdentityOptions> identity)
{
    // Another instance may have written a guessing lockout by a clock slightly ahead of ours.
    private static readonly TimeSpan ClockSlack = TimeSpan.FromMinutes(1);

    /// <summary>An operator's lock in force: sessions and grants of this user end. A guessing lockout is not one.</summary>
    public bool IsLockedByOperator(ApplicationUser user) =>
        IsOperatorLock(user.LockoutEnabled, user.LockoutEnd, DateTimeOffset.UtcNow, identity.Value.Lockout.DefaultLockoutTimeSpan);

    /// <summary>Which lock, if any, holds an account with these lockout fields now (for a list of users read without tracking).</summary>
    public AccountLockState StateOf(bool lockoutEnabled, DateTimeOffset? lockoutEnd)
    {
        var now = DateTimeOffset.UtcNow;
        return IsOperatorLock(lockoutEnabled, lockoutEnd, now, identity.Value.Lockout.DefaultLockoutTimeSpan) ? AccountLockState.LockedByOperator
            : lockoutEnabled && lockoutEnd > now ? AccountLockState.LockedOut
            : AccountLockState.None;
    }

    // Identity writes LockoutEnd from the system clock (DateTimeOffset.UtcNow), so it is read against the same one.
    internal static bool IsOperatorLock(bool lockoutEnabled, DateTimeOffset? lockoutEnd, DateTimeOffset now, TimeSpan guessingLockout) =>
        lockoutEnabled && lockoutEnd is { } end && end > now + guessingLockout + ClockSlack;

    /// <summary>
    /// Locks the account until an operator lifts it, and rotates the security stamp, so every session
    /// ends at its next validation and every refresh grant at its next refresh.
    /// </summary>
    public async Task<IdentityResult> LockByOperatorAsync(ApplicationUser user)
    {
        if (!await users.GetLockoutEnabledAsync(user))
        {
            var enabled = await users.SetLockoutEnabledAsync(user, true);
            if (!enabled.Succeeded)
            {
                return enabled;
            }
        }

        var locked = await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue);
        return locked.Succeeded ? await users.UpdateSecurityStampAsync(user) : locked;
    }

    /// <summary>Lifts any lock, the operator's or the guessing one, and starts the failure count again.</summary>
    public async Task<IdentityResult> UnlockAsync(ApplicationUser user)
    {
        // Identity ignores LockoutEnd while lockout is off for the user, and refuses to set it then.
        if (await users.GetLockoutEnabledAsync(user))
        {
            var unlocked = await users.SetLockoutEndDateAsync(user, null);
            if (!unlocked.Succeeded)
            {
                return unlocked;
            }
        }

        return await users.ResetAccessFailedCountAsync(user);
    }
}

public enum AccountLockState
{
    None,

    /// <summary>Wrong guesses: new sign-ins refused until the lockout ends by itself; sessions untouched.</summary>
    LockedOut,

    /// <summary>An operator's lock: sign-in refused and every session and grant ended, until an operator lifts it.</summary>
    LockedByOperator,
}
