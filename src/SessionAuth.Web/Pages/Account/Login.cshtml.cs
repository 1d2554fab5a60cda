using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Accounts.TwoFactor;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Accounts.Passkeys;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Pages.Account;

public sealed class LoginModel(
    SignInManager<ApplicationUser> signInManager,
    ISessionStore store,
    PasswordSignInCheck credentials,
    PendingSignInFlow twoFactor,
    PasskeySignIn passkeys,
    ActivityLog activity,
    IOptions<AccountFlowOptions> flows,
    ILogger<LoginModel> logger) : PageModel
{
    public const string RegisteredText = "Check your email: we have sent a link to confirm your address. Your account is ready: sign in to continue.";
    public const string RegisteredConfirmFirstText = "Check your email: we have sent a link to confirm your address. Open it, then sign in.";

    [BindProperty]
    public InputModel Input { get; set; } = new();

    [BindProperty(SupportsGet = true, Name = "ReturnUrl")]
    public string? ReturnUrl { get; set; }

    /// <summary>Set by the pages that send people here: "registered" or "signed-out".</summary>
    [BindProperty(SupportsGet = true)]
    public string? Notice { get; set; }

    public string? NoticeText => Notice switch
    {
        // The same words whether the address was new or already had an account (whose owner got a mail instead).
        "registered" => flows.Value.RequireConfirmedEmail ? RegisteredConfirmFirstText : RegisteredText,
        "signed-out" => "You are signed out. Your session has ended on the server.",
        "locked-out" => "Too many wrong passwords: this account is locked for a while and this session has ended. Your password is unchanged.",
        "password-reset" => "Your password is changed, and every session and API client of your account has ended. Sign in with the new password.",
        "email-changed" => "Your email address is changed, and your other sessions have ended. Sign in with the new address.",
        "code-locked-out" => "Too many wrong codes: this account is locked for a while. Nothing is signed in.",
        "step-expired" => "That sign-in waited too long or was already used. Sign in again with your password.",
        _ when !string.IsNullOrEmpty(ReturnUrl) => "Sign in to continue to that page.",
        _ => null,
    };

    public string NoticeStyle => Notice switch
    {
        "registered" or "signed-out" or "password-reset" or "email-changed" => "alert-success",
        "locked-out" or "code-locked-out" or "step-expired" => "alert-warning",
        _ => "alert-info",
    };

    public sealed class InputModel
    {
        [Required(ErrorMessage = CredentialInput.EmailMissing)]
        [StringLength(CredentialInput.MaxEmailLength, ErrorMessage = CredentialInput.EmailTooLong)]
        [EmailAddress(ErrorMessage = CredentialInput.EmailMalformed)]
        [Display(Name = "Email")]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = CredentialInput.PasswordMissing)]
        [PasswordLength(CheckMinimum = false)]
        [DataType(DataType.Password)]
        [Display(Name = "Password")]
        public string Password { get; set; } = "";

        [Display(Name = "Keep me signed in on this device")]
        public bool RememberMe { get; set; }
    }

    public const string LockedOutText =
        "This account is locked for now after too many wrong passwords. Try again later, or reset your password to get back in at once.";

    public const string EmailNotConfirmedText =
        "Confirm your email address before you sign in: open the link we sent you, or ask for a new one below.";

    /// <summary>The right password on an account locked by wrong guesses: the page offers the reset.</summary>
    public bool LockedOutWithRightPassword { get; private set; }

    /// <summary>The right password on an unconfirmed account while confirmation is required: the page offers a new link.</summary>
    public bool EmailNotConfirmed { get; private set; }

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

        var clientIp = HttpContext.Connection.RemoteIpAddress?.ToString();
        // The same check as the token endpoint: one lockout counter, the same decoy work, the same log events.
        var check = await credentials.CheckAsync(Input.Email, Input.Password, HttpContext, HttpContext.RequestAborted);
        switch (check.Outcome)
        {
            case SignInCheckOutcome.LockedOut:
                // Only the right password gets here: the owner hears why, and how to get back in now.
                LockedOutWithRightPassword = true;
                ModelState.AddModelError(string.Empty, LockedOutText);
                return Page();
            case SignInCheckOutcome.EmailNotConfirmed:
                EmailNotConfirmed = true;
                ModelState.AddModelError(string.Empty, EmailNotConfirmedText);
                return Page();
            case SignInCheckOutcome.Failed:
                return InvalidCredentialsPage();
        }

        var user = check.User!;
        if (await twoFactor.IsRequiredAsync(user))
        {
            // No session yet: a server-side pending step that only the second factor completes.
            await twoFactor.BeginAsync(HttpContext, user, returnUrl, Input.RememberMe);
            return RedirectToPage(AppRoutes.LoginWith2fa, new { ReturnUrl = returnUrl });
        }

        var principal = await signInManager.CreateUserPrincipalAsync(user);
        ((ClaimsIdentity)principal.Identity!).AddClaims(SignInMethods.ToClaims(SignInMethods.Password));
        // Through the default scheme (the server session), so whatever registers that scheme takes the sign-in.
        await HttpContext.SignInAsync(principal, new AuthenticationProperties { IsPersistent = Input.RememberMe });
        AccountsLog.LoginSucceeded(logger, user.Id, clientIp);
        await activity.RecordAsync(user.Id, ActivityKind.SignedIn, HttpContext);
        return LocalRedirect(returnUrl);
    }

    public const string PasskeyNotRecognised = "That passkey was not recognised: it is not registered here, it was removed, or the request expired. Try again, or sign in with your password.";
    public const string PasskeyNeedsScript = "Signing in with a passkey needs JavaScript. Turn it on, or sign in with your password.";
    public const string PasskeyLockedOut = "This account is locked for a while, so it cannot sign in now, with a passkey either.";

    /// <summary>
    /// The passkey form's POST: the browser's answer to the challenge the page's script fetched, in a hidden field.
    /// It shares this page's rate limit and body cap; the email and password fields play no part.
    /// </summary>
    public async Task<IActionResult> OnPostPasskeyAsync([FromForm(Name = "Credential")] string? credential)
    {
        // The password form's fields are bound for every handler of the page; this one has none of them.
        ModelState.Clear();
        var returnUrl = Url.SafeReturnUrl(ReturnUrl);
        if (string.IsNullOrWhiteSpace(credential))
        {
            ModelState.AddModelError(string.Empty, PasskeyNeedsScript);
            return Page();
        }

        var (outcome, unconfirmedEmail) = await passkeys.SignInAsync(credential, HttpContext);
        switch (outcome)
        {
            case PasskeySignInOutcome.SignedIn:
                return LocalRedirect(returnUrl);
            case PasskeySignInOutcome.LockedOut:
                ModelState.AddModelError(string.Empty, PasskeyLockedOut);
                return Page();
            case PasskeySignInOutcome.EmailNotConfirmed:
                // As the password form answers it: the page offers a new confirmation link, for this address.
                EmailNotConfirmed = true;
                Input.Email = unconfirmedEmail ?? "";
                ModelState.AddModelError(string.Empty, EmailNotConfirmedText);
                return Page();
            default:
                ModelState.AddModelError(string.Empty, PasskeyNotRecognised);
                return Page();
        }
    }

    private PageResult InvalidCredentialsPage()
    {
        ModelState.AddModelError(string.Empty, CredentialInput.InvalidCredentials);
        return Page();
    }
}
