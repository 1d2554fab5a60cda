using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SessionAuth.Web.Accounts;

namespace SessionAuth.Web.Pages.Account;

/// <summary>
/// The passkeys page's script asks here (POST, with the session's CSRF token) for the options of a new passkey
/// for the signed-in user: a fresh challenge kept on the server for one use, and the user's passkeys already
/// registered, so an authenticator that holds one says so instead of making a second.
/// </summary>
public sealed class PasskeyCreationOptionsModel(SignInManager<ApplicationUser> signInManager) : PageModel
{
    public async Task<IActionResult> OnPostAsync()
    {
        var user = await signInManager.UserManager.GetUserAsync(User);
        if (user is null)
        {
            // The session outlived its account.
            await HttpContext.SignOutAsync();
            return Unauthorized();
        }

        var name = user.UserName ?? user.Id;
        var json = await signInManager.MakePasskeyCreationOptionsAsync(new PasskeyUserEntity
        {
            Id = user.Id,
            Name = name,
            DisplayName = user.Email ?? name,
        });
        return Content(json, "application/json");
    }
}
