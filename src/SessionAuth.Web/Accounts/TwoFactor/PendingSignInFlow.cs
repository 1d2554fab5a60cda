using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Accounts.TwoFactor;

/// <summary>
/// The step between a right password and a session, for an account with two-factor on. Not Identity's
/// TwoFactorUserId cookie scheme (a signed ticket in the cookie, replayable until it expires): a server-side record
/// (<see cref="ITwoFactorStore"/>) named by a random handle in its own HttpOnly cookie, single use, bound to the user
/// and the security stamp of the password check. No session exists meanwhile, so every signed-in page sees an
/// anonymous visitor. Completing it signs in through the default scheme, as the login form does.
/// </summary>
public sealed class PendingSignInFlow(
    SignInManager<ApplicationUser> signInManager,
    ITwoFactorStore store,
    ActivityLog activity,
    IOptions<TwoFactorOptions> options,
    IOptions<ServerSessionOptions> sessions,
    TimeProvider time,
    ILogger<PendingSignInFlow> logger)
{
    /// <summary>The pending step's cookie: __Host- like the session's, unless Sessions:SecureCookies is off.</summary>
    public string CookieName => sessions.Value.SecureCookies ? "__Host-signin-step" : "signin-step";

    /// <summary>Whether the account needs a second step after its password.</summary>
    public Task<bool> IsRequiredAsync(ApplicationUser user) => signInManager.UserManager.GetTwoFactorEnabledAsync(user);

    /// <summary>Records the right password of <paramref name="user"/> and gives the browser the step's cookie.</summary>
    public async Task BeginAsync(HttpContext http, ApplicationUser user, string returnUrl, bool rememberMe)
    {
        var handle = PendingHandle.New(user.Id);
        var lifetime = options.Value.PendingLifetime;
        // The stamp as read with the password hash just checked: a password change meanwhile kills the step.
        var pending = new PendingSignIn(user.Id, user.SecurityStamp, returnUrl, rememberMe, time.GetUtcNow() + lifetime);
        await store.CreatePendingAsync(handle, pending, http.RequestAborted);
        http.Response.Cookies.Append(CookieName, handle.Value, new CookieOptions
        {
            HttpOnly = true,
            Secure = sessions.Value.SecureCookies,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            MaxAge = lifetime,
            IsEssential = true,
        });
        TwoFactorLog.SecondStepPending(logger, user.Id, http.Connection.RemoteIpAddress?.ToString());
    }

    /// <summary>
    /// The browser's pending step and its user, or null: no cookie, unknown, used or expired, a user gone, or a
    /// security stamp that has moved on since the password check.
    /// </summary>
    public async Task<(PendingSignIn Pending, ApplicationUser User)?> FindAsync(HttpContext http)
    {
        if (!PendingHandle.TryParse(http.Request.Cookies[CookieName], out var handle))
        {
            return null;
        }

        var pending = await store.FindPendingAsync(handle, http.RequestAborted);
        if (pending is null)
        {
            return null;
        }

        var user = await signInManager.UserManager.FindByIdAsync(pending.UserId);
        return user is not null && string.Equals(user.SecurityStamp, pending.SecurityStamp, StringComparison.Ordinal)
            ? (pending, user)
            : null;
    }

    /// <summary>
    /// Ends the pending step and signs the user in with <paramref name="methods"/> as the session's "amr". False
    /// when another request completed (or the expiry ended) the step first: then nothing is signed in.
    /// </summary>
    public async Task<bool> CompleteAsync(HttpContext http, PendingSignIn pending, ApplicationUser user, params string[] methods)
    {
        if (!PendingHandle.TryParse(http.Request.Cookies[CookieName], out var handle)
            || await store.TakePendingAsync(handle, http.RequestAborted) is not { } taken
            || !string.Equals(taken.UserId, user.Id, StringComparison.Ordinal))
        {
            return false;
        }

        Forget(http);
        var users = signInManager.UserManager;
        // Both factors right: the failure count starts again, as after a right password without two-factor.
        await users.ResetAccessFailedCountAsync(user);
        var principal = await signInManager.CreateUserPrincipalAsync(user);
        ((ClaimsIdentity)principal.Identity!).AddClaims(SignInMethods.ToClaims(methods));
        await http.SignInAsync(principal, new AuthenticationProperties { IsPersistent = pending.RememberMe });
        var method = SignInMethods.Describe(methods);
        TwoFactorLog.SecondStepSucceeded(logger, user.Id, http.Connection.RemoteIpAddress?.ToString(), method);
        await activity.RecordAsync(user.Id, ActivityKind.SignedIn, http, method);
        return true;
    }

    /// <summary>Drops the step's cookie (the record expires by itself, or was taken).</summary>
    public void Forget(HttpContext http) =>
        http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/", Secure = sessions.Value.SecureCookies, SameSite = SameSiteMode.Strict });
}
