using Microsoft.AspNetCore.Identity;

namespace SessionAuth.Web.Accounts;

/// <summary>What <see cref="FailedPasswordCounter.ClaimAttemptAsync"/> found.</summary>
internal enum AttemptClaim
{
    /// <summary>The account is locked out: check nothing.</summary>
    LockedOut,

    /// <summary>
    /// The try could not be counted (the user's row refused the write, or other writes kept overtaking it) while the
    /// account is open: check nothing, and say "try again", never "locked".
    /// </summary>
    NotCounted,

    /// <summary>Counted as a failure in advance; the account is still open.</summary>
    Counted,

    /// <summary>Counted, and this count locked the account: the last try before the lockout.</summary>
    CountedLast,
}

/// <summary>
/// Counts a wrong password toward lockout even when guesses arrive in parallel. Identity's update
/// carries a concurrency stamp, so of two failures counted at the same moment one is refused
/// (ConcurrencyFailure) and would be lost: a guesser could then beat the limit by sending in bursts.
/// The refused one reads the user again and counts once more.
/// </summary>
internal static class FailedPasswordCounter
{
    private const int Attempts = 5;

    public static async Task CountFailedPasswordAsync(this UserManager<ApplicationUser> users, AccountsDbContext db, ApplicationUser user)
    {
        for (var attempt = 1; ; attempt++)
        {
            var result = await users.AccessFailedAsync(user);
            if (result.Succeeded || attempt == Attempts || !IsConcurrencyFailure(result))
            {
                return;
            }

            await db.Entry(user).ReloadAsync();
        }
    }

    /// <summary>
    /// Counts one try of a second factor as a failure before its code is checked, and only while the account is
    /// not locked out, as one compare-and-swap on the user's concurrency stamp in the database (so on every
    /// instance). A check and a count that came after it would let parallel guesses, all read before the fifth
    /// failure was saved, each be checked; claimed first, at most MaxFailedAccessAttempts tries pass before the
    /// lockout. The user is read again first: the copy loaded at the start of the request may predate failures
    /// other requests counted since. A right code gives the count back (<see cref="RefundAttemptAsync"/>).
    /// </summary>
    public static async Task<AttemptClaim> ClaimAttemptAsync(this UserManager<ApplicationUser> users, AccountsDbContext db, ApplicationUser user)
    {
        // A refused swap mostly means another request's swap landed, and after MaxFailedAccessAttempts of those the
        // account is locked; other writes to the user (a confirmation, a sign-out's new stamp) overtake it too, so
        // the rounds are bounded and what is left is "not counted", checked against the lockout once more.
        var rounds = users.Options.Lockout.MaxFailedAccessAttempts + 1;
        for (var round = 0; ; round++)
        {
            await db.Entry(user).ReloadAsync();
            if (await users.IsLockedOutAsync(user))
            {
                return AttemptClaim.LockedOut;
            }

            if (round == rounds)
            {
                return AttemptClaim.NotCounted;
            }

            var result = await users.AccessFailedAsync(user);
            if (result.Succeeded)
            {
                return await users.IsLockedOutAsync(user) ? AttemptClaim.CountedLast : AttemptClaim.Counted;
            }

            if (!IsConcurrencyFailure(result))
            {
                return AttemptClaim.NotCounted;
            }
        }
    }

    /// <summary>
    /// Takes back the lockout a claim set when its code was right (the fifth try may be the right one); the count
    /// itself starts again when the sign-in completes, as after a right password. False when the user changed
    /// meanwhile (an operator's lock, a new password): then the lockout stands.
    /// </summary>
    public static async Task<bool> RefundAttemptAsync(this UserManager<ApplicationUser> users, AttemptClaim claim, ApplicationUser user) =>
        claim != AttemptClaim.CountedLast || (await users.SetLockoutEndDateAsync(user, null)).Succeeded;

    private static bool IsConcurrencyFailure(IdentityResult result) =>
        result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure));
}
