using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Pages.Account;

/// <summary>
/// The page a reset link opens (ASVS 2.5.2, 2.5.6, 3.3.3). The POST sets a new password under the registration
/// policy, rotates the security stamp (which ends the link: it works once), confirms the address (the mail proved it) and lifts a lockout from wrong guesses, then ends every
/// session and API grant of the account and mails a notice. Nobody is signed in: the person signs in with the new
/// password, and a reset link someone else intercepted signs nobody in either. When the reset is the first proof of
/// the address, whatever sign-in factors the account gained before it go (<see cref="UnconfirmedSignInFactors"/>).
/// </summary>
public sealed class ResetPasswordModel(
    UserManager<ApplicationUser> users,
    SessionRevocation revocation,
    AccountLocks locks,
    UnconfirmedSignInFactors unconfirmedFactors,
    AccountMailer mailer,
    AccountsDbContext db,
    ActivityLog activity,
    ILogger<ResetPasswordModel> logger) : MailedLinkPageModel(users, logger)
{
    public const string SameAsCurrent = "Choose a new password that differs from your current one. Nothing was changed.";

    [BindProperty]
    public InputModel Input { get; set; } = new();

    /// <summary>The account's address, for the hidden username field password managers read.</summary>
    public string Email { get; private set; } = "";

    public int MinimumLength => Users.Options.Password.RequiredLength;

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Choose a new password.")]
        [PasswordLength]
        [DataType(DataType.Password)]
        [Display(Name = "New password")]
        public string Password { get; set; } = "";

        [Required(ErrorMessage = "Type the new password again.")]
        [DataType(DataType.Password)]
        [Compare(nameof(Password), ErrorMessage = "The two passwords differ.")]
        [Display(Name = "Confirm new password")]
        public string ConfirmPassword { get; set; } = "";
    }

    public async Task<IActionResult> OnGetAsync()
    {
        ModelState.Clear();
        var (user, _) = await CheckLinkAsync();
        State = user is null ? LinkState.Dead : LinkState.Ready;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var (user, token) = await CheckLinkAsync();
        if (user is null)
        {
            ModelState.Clear();
            State = LinkState.Dead;
            return Page();
        }

        State = LinkState.Ready;
        if (!ModelState.IsValid)
        {
            return Page();
        }

        // The same text as the current password (as the hasher sees it: NFC) would change nothing: refused, as on the
        // change-password page. Only the holder of a live link gets this far.
        if (user.PasswordHash is { } hash && Users.PasswordHasher.VerifyHashedPassword(user, hash, Input.Password) != PasswordVerificationResult.Failed)
        {
            ModelState.AddModelError("Input.Password", SameAsCurrent);
            return Page();
        }

        // Saved with the new password in one write: a lockout from wrong guesses is lifted (an operator's lock is not:
        // a reset is no way around it). The mail proved the address; an address proven for the first time is marked
        // confirmed only once the factors added before are gone (below).
        var firstProof = !user.EmailConfirmed;
        if (!locks.IsLockedByOperator(user))
        {
            user.LockoutEnd = null;
            user.AccessFailedCount = 0;
        }

        var result = await Users.ResetPasswordAsync(user, token!, Input.Password);
        if (!result.Succeeded)
        {
            await db.Entry(user).ReloadAsync(HttpContext.RequestAborted);
            if (result.Errors.Any(e => e.Code is nameof(IdentityErrorDescriber.InvalidToken) or nameof(IdentityErrorDescriber.ConcurrencyFailure)))
            {
                // Used meanwhile (a double submit), or the account changed under it.
                ModelState.Clear();
                State = LinkState.Dead;
                return Page();
            }

            foreach (var error in result.Errors)
            {
                ModelState.AddModelError("Input.Password", error.Description);
            }

            return Page();
        }

        // The reset is saved: what follows must happen even if the client goes now (not the request's cancellation).
        // Whoever held the old password, a stolen cookie or a refresh token is out, on every instance.
        var ended = await revocation.RevokeAllAsync(user.Id, CancellationToken.None);
        AccountsLog.PasswordReset(logger, user.Id, ended);
        await activity.RecordAsync(user.Id, ActivityKind.PasswordReset, HttpContext,
            ended == 0 ? null : ended == 1 ? "1 session ended" : $"{ended} sessions ended");
        await mailer.SendPasswordChangedAsync(user.Email!, CancellationToken.None);
        if (firstProof && await unconfirmedFactors.RemoveAndConfirmAsync(user))
        {
            await activity.RecordAsync(user.Id, ActivityKind.UnconfirmedSignInFactorsRemoved, HttpContext);
        }

        return RedirectToPage(AppRoutes.Login, new { Notice = "password-reset" });
    }

    private async Task<(ApplicationUser? User, string? Token)> CheckLinkAsync()
    {
        var (user, token) = await CheckLinkAsync(Users.Options.Tokens.PasswordResetTokenProvider,
            UserManager<ApplicationUser>.ResetPasswordTokenPurpose, "password-reset");
        Email = user?.Email ?? "";
        return (user, token);
    }
}
