using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Pages.Account;

/// <summary>
/// A wrong current password on a signed-in form (change password, delete account) is a failed
/// sign-in: it counts toward lockout, or a stolen session could guess without limit. The session
/// that guesses its way into the lockout ends (five wrong passwords are what a thief holding a cookie
/// does, not the owner); the owner's other sessions stay.
/// </summary>
internal static class WrongPasswordOnSignedInForm
{
    public const string LockedOut =
        "Too many wrong passwords: this account is locked for a while. Try again later; your password is unchanged.";

    /// <summary>A signed-in form whose session outlived its account: the session ends and the person goes to sign-in.</summary>
    public static async Task<IActionResult> EndSessionOfDeletedAccountAsync(PageModel page)
    {
        await page.HttpContext.SignOutAsync();
        return page.RedirectToPage(AppRoutes.Login);
    }

    /// <summary>
    /// Proves <paramref name="password"/> is the user's current one. Null when it is (the failure count starts again); else
    /// what the page answers: itself with an error (locked now, or <paramref name="wrongMessage"/> on <paramref name="field"/>),
    /// or the redirect to the login page when this wrong password locked the account.
    /// </summary>
    public static async Task<IActionResult?> RefuseUnlessCurrentAsync(
        PageModel page, UserManager<ApplicationUser> users, AccountsDbContext db, ActivityLog activity, ILogger logger,
        ApplicationUser user, string password, string field, string wrongMessage)
    {
        if (await users.IsLockedOutAsync(user))
        {
            page.ModelState.AddModelError(string.Empty, LockedOut);
            return page.Page();
        }

        if (await users.CheckPasswordAsync(user, password))
        {
            await users.ResetAccessFailedCountAsync(user);
            return null;
        }

        if (await CountAsync(page, users, db, activity, logger, user) is { } lockedOut)
        {
            return lockedOut;
        }

        page.ModelState.AddModelError(field, wrongMessage);
        return page.Page();
    }

    /// <summary>Counts the failure; returns the redirect to the login page when it locked the account, else null.</summary>
    public static async Task<IActionResult?> CountAsync(
        PageModel page, UserManager<ApplicationUser> users, AccountsDbContext db, ActivityLog activity, ILogger logger, ApplicationUser user)
    {
        await users.CountFailedPasswordAsync(db, user);
        if (!await users.IsLockedOutAsync(user))
        {
            return null;
        }

        var http = page.HttpContext;
        AccountsLog.AccountLockedOut(logger, user.Id, http.Connection.RemoteIpAddress?.ToString());
        await activity.RecordAsync(user.Id, ActivityKind.LockedOut, http);
        await http.SignOutAsync();
        return page.RedirectToPage(AppRoutes.Login, new { Notice = "locked-out" });
    }
}
