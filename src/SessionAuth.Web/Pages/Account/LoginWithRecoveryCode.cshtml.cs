using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Accounts.TwoFactor;

namespace SessionAuth.Web.Pages.Account;

/// <summary>The second step with a recovery code: each works once, and its use is an activity row and a notice mail.</summary>
public sealed class LoginWithRecoveryCodeModel(
    PendingSignInFlow flow,
    TwoFactorCodes codes,
    UserManager<ApplicationUser> users,
    ActivityLog activity,
    AccountMailer mailer,
    ILogger<LoginWithRecoveryCodeModel> logger) : SecondStepPage(flow)
{
    public const string WrongCode = "That recovery code is not right, or was already used.";

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter one of your recovery codes.")]
        [StringLength(32, ErrorMessage = "A recovery code has 10 letters and digits.")]
        [Display(Name = "Recovery code")]
        public string RecoveryCode { get; set; } = "";
    }

    public Task<IActionResult> OnPostAsync() =>
        SecondStepAsync(user => codes.RedeemRecoveryCodeAsync(user, Input.RecoveryCode, HttpContext),
            "Input.RecoveryCode", WrongCode, RecordUseAsync, SignInMethods.Password, SignInMethods.RecoveryCode);

    private async Task RecordUseAsync(ApplicationUser user)
    {
        var left = await users.CountRecoveryCodesAsync(user);
        TwoFactorLog.RecoveryCodeUsed(logger, user.Id, HttpContext.Connection.RemoteIpAddress?.ToString(), left);
        await activity.RecordAsync(user.Id, ActivityKind.RecoveryCodeUsed, HttpContext, left == 1 ? "1 code left" : $"{left} codes left");
        if (user.Email is { } email)
        {
            await mailer.SendTwoFactorNoticeAsync(email, TwoFactorChange.RecoveryCodeUsed, left, HttpContext.RequestAborted);
        }
    }
}
