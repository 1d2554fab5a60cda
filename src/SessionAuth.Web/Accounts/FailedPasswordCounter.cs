using Microsoft.AspNetCore.Identity;

namespace SessionAuth.Web.Accounts;

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
            if (result.Succeeded || attempt == Attempts
                || !result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure)))
            {
                return;
            }

            await db.Entry(user).ReloadAsync();
        }
    }
}
