using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Accounts.TwoFactor;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Pages.Account;

/// <summary>
/// What the signed-in two-factor pages share: the current password as proof (a wrong one counts toward the lockout,
/// as on the change-password page), and after turning two-factor on or off a new session for this browser (with the
/// way it signed in) while every other session and API client ends, an activity row and a notice mail.
/// </summary>
public sealed class TwoFactorChanges(
    SignInManager<ApplicationUser> signInManager,
    SessionRevocation revocation,
    AccountsDbContext db,
    ActivityLog activity,
    AccountMailer mailer,
    ILogger<TwoFactorChanges> logger)
{
    public const string WrongPassword = "That is not your current password. Nothing was changed.";

    /// <summary>The signed-in user when <paramref name="password"/> is theirs; else null and <paramref name="refusal"/> is the answer.</summary>
    public async Task<(ApplicationUser? User, IActionResult? Refusal)> CheckPasswordAsync(PageModel page, string password, string field)
    {
        var users = signInManager.UserManager;
        var user = await users.GetUserAsync(page.User);
        if (user is null)
        {
            await page.HttpContext.SignOutAsync();
            return (null, page.RedirectToPage(AppRoutes.Login));
        }

        if (await WrongPasswordOnSignedInForm.RefuseUnlessCurrentAsync(page, users, db, activity, logger, user, password, field, WrongPassword) is { } refused)
        {
            return (null, refused);
        }

        return (user, null);
    }

    /// <summary>
    /// After a change that moved the security stamp (two-factor on or off): this browser signs in again, keeping how
    /// it signed in, and the user's other sessions and API clients end. Returns how many ended.
    /// </summary>
    public async Task<int> RenewAndEndOthersAsync(HttpContext http, ApplicationUser user, ActivityKind kind, TwoFactorChange change)
    {
        var principal = await signInManager.CreateUserPrincipalAsync(user);
        ((ClaimsIdentity)principal.Identity!).AddClaims(SignInMethods.ToClaims([.. SignInMethods.Of(http.User)]));
        await http.SignInAsync(principal, new AuthenticationProperties { IsPersistent = http.GetServerSession()?.Record.IsPersistent == true });
        var ended = await revocation.RevokeOthersAsync(user.Id, http.GetServerSession()!.Id, http.RequestAborted);
        TwoFactorLog.TwoFactorChanged(logger, user.Id, change.ToString(), ended);
        await RecordAsync(http, user, kind, change, ended == 0 ? null : ended == 1 ? "1 other session ended" : $"{ended} other sessions ended");
        return ended;
    }

    /// <summary>The activity row and the notice mail of a change.</summary>
    public async Task RecordAsync(HttpContext http, ApplicationUser user, ActivityKind kind, TwoFactorChange change, string? detail = null)
    {
        await activity.RecordAsync(user.Id, kind, http, detail);
        if (user.Email is { } email)
        {
            await mailer.SendTwoFactorNoticeAsync(email, change, codesLeft: 0, http.RequestAborted);
        }
    }
}
