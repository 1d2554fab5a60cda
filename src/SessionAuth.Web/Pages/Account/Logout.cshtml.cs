using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Pages.Account;

/// <summary>Sign-out changes state, so it is a POST with an antiforgery token; GET only asks.</summary>
public sealed class LogoutModel(ActivityLog activity) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var userId = HttpContext.GetServerSession()?.Record.UserId;
        await HttpContext.SignOutAsync();
        if (userId is not null)
        {
            await activity.RecordAsync(userId, ActivityKind.SignedOut, HttpContext);
        }

        return RedirectToPage(AppRoutes.Login, new { Notice = "signed-out" });
    }
}
