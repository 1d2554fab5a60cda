using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Accounts.TwoFactor;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Pages.Account;

/// <summary>Turns two-factor off for the current password: the app's key is reset and the recovery codes die.</summary>
public sealed class DisableTwoFactorModel(UserManager<ApplicationUser> users, TwoFactorChanges changes) : PageModel
{
    [BindProperty]
    public PasswordInput Input { get; set; } = new();

    public IActionResult OnGet() => Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var (user, refusal) = await changes.CheckPasswordAsync(this, Input.Password, "Input.Password");
        if (user is null)
        {
            return refusal!;
        }

        if (await users.GetTwoFactorEnabledAsync(user))
        {
            await users.SetTwoFactorEnabledAsync(user, false);
            await users.ResetAuthenticatorKeyAsync(user);
            await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 0);
            await changes.RenewAndEndOthersAsync(HttpContext, user, ActivityKind.TwoFactorDisabled, TwoFactorChange.Disabled);
        }

        return RedirectToPage(AppRoutes.TwoFactor, new { Notice = "disabled" });
    }
}
