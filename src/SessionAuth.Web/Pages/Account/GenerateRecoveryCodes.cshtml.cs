using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Accounts.TwoFactor;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Pages.Account;

/// <summary>10 new recovery codes for the current password; the old ones stop working at once.</summary>
public sealed class GenerateRecoveryCodesModel(UserManager<ApplicationUser> users, TwoFactorChanges changes) : PageModel
{
    [BindProperty]
    public PasswordInput Input { get; set; } = new();

    public IReadOnlyList<string> RecoveryCodes { get; private set; } = [];

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

        if (!await users.GetTwoFactorEnabledAsync(user))
        {
            return RedirectToPage(AppRoutes.TwoFactor);
        }

        RecoveryCodes = [.. await users.GenerateNewTwoFactorRecoveryCodesAsync(user, EnableAuthenticatorModel.RecoveryCodeCount) ?? []];
        await changes.RecordAsync(HttpContext, user, ActivityKind.RecoveryCodesRegenerated, TwoFactorChange.RecoveryCodesRegenerated);
        return Page();
    }
}

/// <summary>The current password, as the two-factor pages ask for it.</summary>
public sealed class PasswordInput
{
    [Required(ErrorMessage = "Enter your current password.")]
    [PasswordLength(CheckMinimum = false)]
    [DataType(DataType.Password)]
    [Display(Name = "Current password")]
    public string Password { get; set; } = "";
}
