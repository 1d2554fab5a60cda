using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Pages.Account;

public sealed class LoginModel(
    SignInManager<ApplicationUser> signInManager,
    ISessionStore store,
    DecoyPasswordCheck decoy,
    EmailFingerprint fingerprint,
    ActivityLog activity,
    ILogger<LoginModel> logger) : PageModel
{
    public const string InvalidCredentials = "Invalid email or password.";

    [BindProperty]
    public InputModel Input { get; set; } = new();

    [BindProperty(SupportsGet = true, Name = "ReturnUrl")]
    public string? ReturnUrl { get; set; }

    /// <summary>Set by the pages that send people here: "registered" or "signed-out".</summary>
    [BindProperty(SupportsGet = true)]
    public string? Notice { get; set; }

    public string? NoticeText => Notice switch
    {
        "registered" => "Your account is ready. Sign in to continue.",
        "signed-out" => "You are signed out. Your session has ended on the server.",
        "locked-out" => "Too many wrong passwords: this account is locked for a while and this session has ended. Your password is unchanged.",
        _ when !string.IsNullOrEmpty(ReturnUrl) => "Sign in to continue to that page.",
        _ => null,
    };

    public string NoticeStyle => Notice switch
    {
        "registered" or "signed-out" => "alert-success",
        "locked-out" => "alert-warning",
        _ => "alert-info",
    };

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter your email address.")]
        [StringLength(256, ErrorMessage = "An email address has at most 256 characters.")]
        [EmailAddress(ErrorMessage = "Enter a valid email address.")]
        [Display(Name = "Email")]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "Enter your password.")]
        [PasswordLength(CheckMinimum = false, ErrorMessage = "A password has at most 128 characters.")]
        [DataType(DataType.Password)]
        [Display(Name = "Password")]
        public string Password { get; set; } = "";

        [Display(Name = "Keep me signed in on this device")]
        public bool RememberMe { get; set; }
    }

    /// <summary>The session store is known to be away: the page says so (503) instead of offering a form that cannot work.</summary>
    public bool SignInUnavailable { get; private set; }

    public IActionResult OnGet()
    {
        if (store.IsAvailable)
        {
            return Page();
        }

        // Say so up front rather than after the person has typed a password; someone who has just
        // registered hears that the account exists and only signing in has to wait.
        SignInUnavailable = true;
        var page = Page();
        page.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return page;
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var returnUrl = Url.SafeReturnUrl(ReturnUrl);
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var users = signInManager.UserManager;
        var clientIp = HttpContext.Connection.RemoteIpAddress?.ToString();
        var user = await users.FindByEmailAsync(Input.Email);
        if (user is null || await users.IsLockedOutAsync(user))
        {
            // Unknown email and locked account do the same work as a wrong password, and read the same.
            decoy.Verify(Input.Password);
            AccountsLog.LoginFailed(logger, await fingerprint.OfAsync(Input.Email, HttpContext.RequestAborted), clientIp, user is null ? "unknown email" : "locked out");
            if (user is not null)
            {
                await activity.RecordAsync(user.Id, ActivityKind.SignInFailed, HttpContext, "account locked");
            }

            return InvalidCredentialsPage();
        }

        var hashBefore = user.PasswordHash;
        var result = await signInManager.CheckPasswordSignInAsync(user, Input.Password, lockoutOnFailure: true);
        if (!result.Succeeded)
        {
            AccountsLog.LoginFailed(logger, await fingerprint.OfAsync(Input.Email, HttpContext.RequestAborted), clientIp, "wrong password");
            await activity.RecordAsync(user.Id, ActivityKind.SignInFailed, HttpContext, "wrong password");
            if (result.IsLockedOut)
            {
                AccountsLog.AccountLockedOut(logger, user.Id, clientIp);
                await activity.RecordAsync(user.Id, ActivityKind.LockedOut, HttpContext);
            }

            return InvalidCredentialsPage();
        }

        if (!string.Equals(hashBefore, user.PasswordHash, StringComparison.Ordinal))
        {
            AccountsLog.PasswordHashUpgraded(logger, user.Id);
        }

        var principal = await signInManager.CreateUserPrincipalAsync(user);
        // Through the default scheme (the server session), so whatever registers that scheme takes the sign-in.
        await HttpContext.SignInAsync(principal, new AuthenticationProperties { IsPersistent = Input.RememberMe });
        AccountsLog.LoginSucceeded(logger, user.Id, clientIp);
        await activity.RecordAsync(user.Id, ActivityKind.SignedIn, HttpContext);
        return LocalRedirect(returnUrl);
    }

    private PageResult InvalidCredentialsPage()
    {
        ModelState.AddModelError(string.Empty, InvalidCredentials);
        return Page();
    }
}
