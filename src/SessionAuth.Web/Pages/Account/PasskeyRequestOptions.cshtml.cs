using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SessionAuth.Web.Accounts;

namespace SessionAuth.Web.Pages.Account;

/// <summary>
/// The login page's script asks here (POST, with the form's antiforgery token) for the options of a passkey
/// sign-in: a fresh challenge, kept on the server for one use, and no list of credentials (the passkey is
/// discoverable, so nothing here says whether an account exists). Limited per client address.
/// </summary>
public sealed class PasskeyRequestOptionsModel(SignInManager<ApplicationUser> signInManager) : PageModel
{
    public async Task<IActionResult> OnPostAsync()
    {
        var json = await signInManager.MakePasskeyRequestOptionsAsync(user: null);
        Response.Headers.CacheControl = "no-store";
        return Content(json, "application/json");
    }
}
