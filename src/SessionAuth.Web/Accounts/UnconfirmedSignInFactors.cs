using Microsoft.AspNetCore.Identity;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// What an account gained before anyone proved its address. Registration need not confirm the address, so anyone
/// can register someone else's and add a passkey to it; when the owner later proves the mailbox (a password reset
/// by mail) and takes the account, that passkey would still sign the other person in, with nothing else. So the
/// first proof takes the passkeys away. Two-factor sign-in stays as it is: it asks for the password too, which the
/// reset has just changed, so it lets nobody in; taking it away would let whoever reads the mailbox past it.
/// </summary>
public sealed class UnconfirmedSignInFactors(UserManager<ApplicationUser> users, ILogger<UnconfirmedSignInFactors> logger)
{
    /// <summary>
    /// Removes the passkeys and then marks the address confirmed, in the last write: a request stopped half-way leaves
    /// the address unconfirmed, so the next reset removes whatever is left. True when there was anything to remove;
    /// false too when a write failed (logged), and then the address stays unconfirmed.
    /// </summary>
    public async Task<bool> RemoveAndConfirmAsync(ApplicationUser user)
    {
        var passkeys = await users.GetPasskeysAsync(user);
        foreach (var passkey in passkeys)
        {
            if (!Succeeded(user, await users.RemovePasskeyAsync(user, passkey.CredentialId)))
            {
                return false;
            }
        }

        user.EmailConfirmed = true;
        if (!Succeeded(user, await users.UpdateAsync(user)))
        {
            return false;
        }

        if (passkeys.Count > 0)
        {
            AccountsLog.UnconfirmedSignInFactorsRemoved(logger, user.Id, passkeys.Count);
        }

        return passkeys.Count > 0;
    }

    private bool Succeeded(ApplicationUser user, IdentityResult result)
    {
        if (!result.Succeeded)
        {
            user.EmailConfirmed = false;
            AccountsLog.UnconfirmedSignInFactorsNotRemoved(logger, user.Id, string.Join(" ", result.Errors.Select(e => e.Code)), null);
        }

        return result.Succeeded;
    }
}
