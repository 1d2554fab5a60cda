using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Accounts.Activity;

namespace SessionAuth.Web.Accounts.Passkeys;

public enum PasskeySignInOutcome
{
    SignedIn,

    /// <summary>No open challenge, an unknown or removed passkey, a bad signature, the wrong origin: one answer for all.</summary>
    NotRecognised,

    /// <summary>The passkey is good but the account is locked (too many wrong passwords, or by an administrator).</summary>
    LockedOut,

    /// <summary>The passkey is good but Accounts:RequireConfirmedEmail is on and the address is not confirmed yet.</summary>
    EmailNotConfirmed,
}

/// <summary>
/// A sign-in with a passkey: Identity verifies the browser's answer against the challenge kept on the server
/// (<see cref="AccountSignInManager"/>), then the person gets a normal server session whose "amr" says
/// passkey. No password and no second factor: a passkey is possession and user verification in one, bound to
/// this site's origin. The account's lockout still applies, as to every new sign-in, and so does
/// Accounts:RequireConfirmedEmail (the app's switch: Identity's SignIn.RequireConfirmedEmail stays off, so
/// <see cref="SignInManager{TUser}.CanSignInAsync"/> does not check it).
/// </summary>
public sealed class PasskeySignIn(
    SignInManager<ApplicationUser> signInManager,
    UserPasskeys passkeys,
    IOptions<AccountFlowOptions> flows,
    ActivityLog activity,
    ILogger<PasskeySignIn> logger)
{
    /// <summary>The outcome, and with <see cref="PasskeySignInOutcome.EmailNotConfirmed"/> the address to confirm (the page offers it a new link).</summary>
    public async Task<(PasskeySignInOutcome Outcome, string? UnconfirmedEmail)> SignInAsync(string? credentialJson, HttpContext http)
    {
        var clientIp = http.Connection.RemoteIpAddress?.ToString();
        if (string.IsNullOrWhiteSpace(credentialJson))
        {
            PasskeyLog.SignInFailed(logger, clientIp, "no credential was posted");
            return (PasskeySignInOutcome.NotRecognised, null);
        }

        var assertion = await signInManager.PerformPasskeyAssertionAsync(credentialJson);
        if (!assertion.Succeeded)
        {
            PasskeyLog.SignInFailed(logger, clientIp, assertion.Failure.Message);
            return (PasskeySignInOutcome.NotRecognised, null);
        }

        var user = assertion.User;
        if (await signInManager.UserManager.IsLockedOutAsync(user) || !await signInManager.CanSignInAsync(user))
        {
            PasskeyLog.SignInFailed(logger, clientIp, $"user {user.Id} is locked out");
            return (PasskeySignInOutcome.LockedOut, null);
        }

        if (flows.Value.RequireConfirmedEmail && !user.EmailConfirmed)
        {
            PasskeyLog.SignInFailed(logger, clientIp, $"user {user.Id} has not confirmed the email address");
            return (PasskeySignInOutcome.EmailNotConfirmed, user.Email);
        }

        if (!await passkeys.RecordUseAsync(user, assertion.Passkey, http.RequestAborted))
        {
            PasskeyLog.SignInFailed(logger, clientIp, $"the passkey of user {user.Id} could not be updated");
            return (PasskeySignInOutcome.NotRecognised, null);
        }

        await signInManager.SignInWithClaimsAsync(user, isPersistent: false, SignInMethods.ToClaims(SignInMethods.Passkey));
        PasskeyLog.SignInSucceeded(logger, user.Id, PasskeyLog.Fingerprint(assertion.Passkey.CredentialId), clientIp);
        await activity.RecordAsync(user.Id, ActivityKind.SignedInWithPasskey, http, UserPasskeys.NameOf(assertion.Passkey));
        return (PasskeySignInOutcome.SignedIn, null);
    }
}
