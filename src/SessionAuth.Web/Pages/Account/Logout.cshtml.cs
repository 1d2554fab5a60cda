using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace SessionAuth.Web.Pages.Account;

/// <summary>Sign-out changes state, so it is a POST with an antiforgery token; GET only asks.</summary>
public sealed class LogoutModel : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync();
        return RedirectToPage(AppRoutes.Login, new { Notice = "signed-out" });
    }
}
