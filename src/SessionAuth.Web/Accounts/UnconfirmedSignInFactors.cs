using Microsoft.AspNetCore.Identity;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// What an account gained before anyone proved its address. Registration need not confirm the address, so anyone
/// can register someone else's and add a passkey or an authenticator app to it; when the owner later proves the
/// mailbox (a password reset by mail) and takes the account, those would still sign the other person in. So the
/// first proof takes every second way in away: passkeys, the authenticator key, two-factor and recovery codes.
/// </summary>
public sealed class UnconfirmedSignInFactors(UserManager<ApplicationUser> users, ILogger<UnconfirmedSignInFactors> logger)
{
    /// <summary>
    /// Removes the factors and then marks the address confirmed, in the last write: a request stopped half-way leaves
    /// the address unconfirmed, so the next reset removes whatever is left. True when there was anything to remove;
    /// false too when a write failed (logged), and then the address stays unconfirmed.
    /// </summary>
    public async Task<bool> RemoveAndConfirmAsync(ApplicationUser user)
    {
        var passkeys = await users.GetPasskeysAsync(user);
        var hadAuthenticator = await users.GetAuthenticatorKeyAsync(user) is not null;
        var hadTwoFactor = await users.GetTwoFactorEnabledAsync(user);
        var hadCodes = await users.CountRecoveryCodesAsync(user) > 0;
        foreach (var passkey in passkeys)
        {
            if (!Succeeded(user, await users.RemovePasskeyAsync(user, passkey.CredentialId)))
            {
                return false;
            }
        }

        // A new key nobody has seen: the old one's codes stop working.
        if (hadAuthenticator && !Succeeded(user, await users.ResetAuthenticatorKeyAsync(user)))
        {
            return false;
        }

        if (hadCodes && await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 0) is null)
        {
            AccountsLog.UnconfirmedSignInFactorsNotRemoved(logger, user.Id, "recovery codes", null);
            return false;
        }

        user.EmailConfirmed = true;
        if (!Succeeded(user, await users.SetTwoFactorEnabledAsync(user, false)))
        {
            return false;
        }

        var removed = passkeys.Count > 0 || hadAuthenticator || hadTwoFactor || hadCodes;
        if (removed)
        {
            AccountsLog.UnconfirmedSignInFactorsRemoved(logger, user.Id, passkeys.Count, hadTwoFactor);
        }

        return removed;
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
