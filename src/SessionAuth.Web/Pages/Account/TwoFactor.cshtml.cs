using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SessionAuth.Web.Accounts;

namespace SessionAuth.Web.Pages.Account;

/// <summary>Two-factor sign-in at a glance: on or off, recovery codes left, and the ways to change it.</summary>
public sealed class TwoFactorModel(UserManager<ApplicationUser> users) : PageModel
{
    public bool IsEnabled { get; private set; }

    public int RecoveryCodesLeft { get; private set; }

    /// <summary>Set by the pages that send people here: "disabled".</summary>
    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true)]
    public string? Notice { get; set; }

    public async Task OnGetAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return;
        }

        IsEnabled = await users.GetTwoFactorEnabledAsync(user);
        RecoveryCodesLeft = IsEnabled ? await users.CountRecoveryCodesAsync(user) : 0;
    }
}
