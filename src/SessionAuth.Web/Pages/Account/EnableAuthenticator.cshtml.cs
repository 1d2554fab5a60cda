using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Accounts.TwoFactor;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Pages.Account;

/// <summary>
/// Setting up the authenticator app: the shared key (typed or scanned), then a right code turns two-factor on and
/// shows 10 recovery codes, once. The key is made on the first visit without moving the security stamp (Identity's
/// ResetAuthenticatorKeyAsync would, and end this very session at its next check).
/// </summary>
public sealed class EnableAuthenticatorModel(
    UserManager<ApplicationUser> users,
    IUserStore<ApplicationUser> store,
    TwoFactorCodes codes,
    TwoFactorChanges changes,
    IOptions<TwoFactorOptions> options) : PageModel
{
    public const string WrongCode = "That code is not right. Check the key in your app and enter the code it shows now.";
    public const int RecoveryCodeCount = 10;

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter the 6-digit code your app shows.")]
        [StringLength(9, ErrorMessage = "The code has 6 digits.")]
        [RegularExpression(@"^[0-9 \-]+$", ErrorMessage = "The code has 6 digits.")]
        [Display(Name = "Code from the app")]
        public string Code { get; set; } = "";
    }

    public string GroupedKey { get; private set; } = "";

    public string QrSvg { get; private set; } = "";

    public bool AlreadyEnabled { get; private set; }

    /// <summary>Set only in the answer that turned two-factor on: shown once, never stored in the clear.</summary>
    public IReadOnlyList<string> RecoveryCodes { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            await HttpContext.SignOutAsync();
            return RedirectToPage(AppRoutes.Login);
        }

        AlreadyEnabled = await users.GetTwoFactorEnabledAsync(user);
        if (!AlreadyEnabled)
        {
            await LoadKeyAsync(user);
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            await HttpContext.SignOutAsync();
            return RedirectToPage(AppRoutes.Login);
        }

        if (await users.GetTwoFactorEnabledAsync(user))
        {
            AlreadyEnabled = true;
            return Page();
        }

        var code = TwoFactorCodes.NormalizeCode(Input.Code);
        if (!ModelState.IsValid || code is null
            || !await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code)
            || !await codes.UseEnablingCodeAsync(user.Id, code, HttpContext.RequestAborted))
        {
            if (ModelState.IsValid)
            {
                ModelState.AddModelError("Input.Code", WrongCode);
            }

            await LoadKeyAsync(user);
            return Page();
        }

        await users.SetTwoFactorEnabledAsync(user, true);
        RecoveryCodes = [.. await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount) ?? []];
        await changes.RenewAndEndOthersAsync(HttpContext, user, ActivityKind.TwoFactorEnabled, TwoFactorChange.Enabled);
        return Page();
    }

    private async Task LoadKeyAsync(ApplicationUser user)
    {
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            key = users.GenerateNewAuthenticatorKey();
            await ((IUserAuthenticatorKeyStore<ApplicationUser>)store).SetAuthenticatorKeyAsync(user, key, HttpContext.RequestAborted);
            await users.UpdateAsync(user);
        }

        GroupedKey = AuthenticatorSetup.GroupKey(key);
        QrSvg = AuthenticatorSetup.QrSvg(AuthenticatorSetup.OtpAuthUri(options.Value.Issuer, user.Email ?? user.UserName ?? user.Id, key));
    }
}
