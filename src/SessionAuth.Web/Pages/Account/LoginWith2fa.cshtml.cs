using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Accounts.TwoFactor;

namespace SessionAuth.Web.Pages.Account;

/// <summary>The second step with a code from the authenticator app: a right, unused code creates the session.</summary>
public sealed class LoginWith2faModel(PendingSignInFlow flow, TwoFactorCodes codes) : SecondStepPage(flow)
{
    public const string WrongCode = "That code is not right, or was already used. Enter the code your app shows now.";

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter the 6-digit code from your authenticator app.")]
        [StringLength(9, ErrorMessage = "The code has 6 digits.")]
        [RegularExpression(@"^[0-9 \-]+$", ErrorMessage = "The code has 6 digits.")]
        [Display(Name = "Authenticator code")]
        public string Code { get; set; } = "";
    }

    public Task<IActionResult> OnPostAsync() =>
        SecondStepAsync(user => codes.CheckAuthenticatorCodeAsync(user, Input.Code, HttpContext, HttpContext.RequestAborted),
            "Input.Code", WrongCode, afterSignIn: null, SignInMethods.Password, SignInMethods.AuthenticatorApp);
}
