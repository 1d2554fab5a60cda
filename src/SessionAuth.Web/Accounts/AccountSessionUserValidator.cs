using Microsoft.AspNetCore.Identity;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// The session scheme's view of a user: exists, locked by an operator (<see cref="AccountLocks"/>), security stamp,
/// and roles (<see cref="OperatorRole"/>: the operators' role follows Admin:Emails at each validation).
/// </summary>
internal sealed class AccountSessionUserValidator(UserManager<ApplicationUser> users, AccountLocks locks, OperatorRole roles) : ISessionUserValidator
{
    public async Task<SessionUserState?> GetStateAsync(string userId, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return null;
        }

        // Not a lockout from wrong guesses: that only blocks new sign-ins (see AccountLocks).
        return new SessionUserState(await users.GetSecurityStampAsync(user), locks.IsLockedByOperator(user), await roles.RolesOfAsync(user));
    }
}
