using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Pages.Account;

/// <summary>
/// Changing the password proves the current one, gives this browser a new session id, and ends
/// every other session of the user: whoever held a stolen cookie or the old password is out (ASVS 3.3.3).
/// </summary>
public sealed class ChangePasswordModel(
    SignInManager<ApplicationUser> signInManager,
    SessionRevocation revocation,
    AccountsDbContext db,
    ActivityLog activity,
    AccountMailer mailer,
    ILogger<ChangePasswordModel> logger) : PageModel
{
    public const string WrongCurrentPassword = "That is not your current password.";
    public const string SameAsCurrent = "Choose a new password that differs from your current one. Nothing was changed.";

    public const string LockedOut = WrongPasswordOnSignedInForm.LockedOut;

    [BindProperty]
    public InputModel Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? Notice { get; set; }

    public int MinimumLength => signInManager.UserManager.Options.Password.RequiredLength;

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter your current password.")]
        [PasswordLength(CheckMinimum = false)]
        [DataType(DataType.Password)]
        [Display(Name = "Current password")]
        public string OldPassword { get; set; } = "";

        [Required(ErrorMessage = "Choose a new password.")]
        [PasswordLength]
        [DataType(DataType.Password)]
        [Display(Name = "New password")]
        public string NewPassword { get; set; } = "";

        [Required(ErrorMessage = "Type the new password again.")]
        [DataType(DataType.Password)]
        [Compare(nameof(NewPassword), ErrorMessage = "The two new passwords differ.")]
        [Display(Name = "Confirm new password")]
        public string ConfirmPassword { get; set; } = "";
    }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var users = signInManager.UserManager;
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return await WrongPasswordOnSignedInForm.EndSessionOfDeletedAccountAsync(this);
        }

        // A wrong current password is a failed sign-in: it counts toward lockout, and a locked
        // account proves nothing here either. Otherwise a stolen session could guess without limit.
        if (await users.IsLockedOutAsync(user))
        {
            AccountsLog.PasswordChangeFailed(logger, user.Id, "locked out");
            ModelState.AddModelError(string.Empty, LockedOut);
            return Page();
        }

        // The same text as the current password (as the hasher sees it: NFC) would change nothing but end the
        // other sessions: only the current password is checked (one hash, no new one) and nothing is written.
        var sameAsCurrent = string.Equals(PasswordText.Normalize(Input.OldPassword), PasswordText.Normalize(Input.NewPassword), StringComparison.Ordinal);
        var result = sameAsCurrent
            ? VerifyCurrentPassword(users, user, Input.OldPassword)
            : await users.ChangePasswordAsync(user, Input.OldPassword, Input.NewPassword);
        if (result.Succeeded && !sameAsCurrent)
        {
            // The new password is saved: what follows must happen even if the client goes now (not the request's
            // cancellation), the notice first, as the Identity calls below follow the request's cancellation.
            // If it was not the owner, the owner's mailbox is where they learn of it.
            await mailer.SendPasswordChangedAsync(user.Email!, CancellationToken.None);
        }

        if (result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch)))
        {
            AccountsLog.PasswordChangeFailed(logger, user.Id, nameof(IdentityErrorDescriber.PasswordMismatch));
            if (await WrongPasswordOnSignedInForm.CountAsync(this, users, db, activity, logger, user) is { } lockedOut)
            {
                return lockedOut;
            }

            ModelState.AddModelError("Input.OldPassword", WrongCurrentPassword);
            return Page();
        }

        // The current password was right (whatever the new one is): the count starts again, as at sign-in.
        await users.ResetAccessFailedCountAsync(user);
        if (sameAsCurrent)
        {
            AccountsLog.PasswordChangeFailed(logger, user.Id, "new password same as current");
            ModelState.AddModelError("Input.NewPassword", SameAsCurrent);
            return Page();
        }

        if (!result.Succeeded)
        {
            AccountsLog.PasswordChangeFailed(logger, user.Id, string.Join(", ", result.Errors.Select(e => e.Code)));
            foreach (var error in result.Errors)
            {
                ModelState.AddModelError("Input.NewPassword", error.Description);
            }

            return Page();
        }

        // Signing in again rotates this browser's session id (the handler ends the old one) ...
        // ... keeping the way it signed in (its "amr").
        var wasPersistent = HttpContext.GetServerSession()?.Record.IsPersistent == true;
        var principal = await signInManager.CreateUserPrincipalAsync(user);
        ((System.Security.Claims.ClaimsIdentity)principal.Identity!).AddClaims(SignInMethods.ToClaims([.. SignInMethods.Of(User)]));
        await HttpContext.SignInAsync(principal, new AuthenticationProperties { IsPersistent = wasPersistent });
        // ... and every other session of the user ends, and every API grant (whoever holds a refresh token),
        // by the same rules as "sign out all other sessions".
        var ended = await revocation.RevokeOthersAsync(user.Id, HttpContext.GetServerSession()!.Id, CancellationToken.None);
        AccountsLog.PasswordChanged(logger, user.Id, ended);
        await activity.RecordAsync(user.Id, ActivityKind.PasswordChanged, HttpContext,
            ended == 0 ? null : ended == 1 ? "1 other session ended" : $"{ended} other sessions ended");
        return RedirectToPage(new { Notice = "changed" });
    }

    /// <summary>The check ChangePasswordAsync makes, without its rehash-and-save of an old-format hash.</summary>
    private static IdentityResult VerifyCurrentPassword(UserManager<ApplicationUser> users, ApplicationUser user, string password) =>
        user.PasswordHash is { } hash && users.PasswordHasher.VerifyHashedPassword(user, hash, password) != PasswordVerificationResult.Failed
            ? IdentityResult.Success
            : IdentityResult.Failed(users.ErrorDescriber.PasswordMismatch());
}
