using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Pages.Account;

/// <summary>
/// Sign-out changes state, so it is a POST with an antiforgery token; GET only asks. While the
/// session store is away nothing can be ended: the answer is a 503 that says so, the cookie stays
/// (the session is still live on the server), and it never reports success.
/// </summary>
[StoreOutageMessage(StoreOutageHeading, StoreOutageExplanation)]
public sealed class LogoutModel(ActivityLog activity) : PageModel
{
    public const string StoreOutageHeading = "Sign-out did not happen";

    public const string StoreOutageExplanation =
        "We cannot reach the session store right now, so your session could not be ended: if you were signed in, you still are. "
        + "Try to sign out again in a few seconds.";

    public void OnGet()
    {
        // "You are not signed in" would be a guess while the store is away.
        if (HttpContext.SessionStoreUnavailable())
        {
            throw new SessionStoreUnavailableException("The session store is unavailable; sign-out cannot be offered.");
        }
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var userId = HttpContext.GetServerSession()?.Record.UserId;
        // The handler deletes the cookie only after the store removed the session; a failed removal
        // throws (503 with this page's message) and the cookie stays.
        await HttpContext.SignOutAsync();
        if (userId is not null)
        {
            await activity.RecordAsync(userId, ActivityKind.SignedOut, HttpContext);
        }

        return RedirectToPage(AppRoutes.Login, new { Notice = "signed-out" });
    }
}
