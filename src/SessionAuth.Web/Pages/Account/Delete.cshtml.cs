using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Pages.Account;

/// <summary>
/// Deleting the account proves the current password (a stolen cookie alone must not be able to),
/// then ends every session of the user, deletes their activity and the user, and signs this
/// browser out. A wrong password counts toward lockout exactly as on the change-password page.
/// </summary>
public sealed class DeleteModel(
    UserManager<ApplicationUser> users,
    SessionRevocation revocation,
    AccountsDbContext db,
    ActivityLog activity,
    AccountMailer mailer,
    ILogger<DeleteModel> logger) : PageModel
{
    public const string WrongPassword = "That is not your current password. Nothing was deleted.";
    public const string DeletedNotice = "deleted";

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter your current password to delete your account.")]
        [PasswordLength(CheckMinimum = false)]
        [DataType(DataType.Password)]
        [Display(Name = "Current password")]
        public string Password { get; set; } = "";
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

        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return await WrongPasswordOnSignedInForm.EndSessionOfDeletedAccountAsync(this);
        }

        if (await WrongPasswordOnSignedInForm.RefuseUnlessCurrentAsync(this, users, db, activity, logger, user, Input.Password, "Input.Password", WrongPassword) is { } refused)
        {
            return refused;
        }

        // Sessions first: if anything after this fails, the person is signed out everywhere and can
        // sign in and try again, rather than a deleted user's sessions living on.
        var ended = await revocation.RevokeAllAsync(user.Id, HttpContext.RequestAborted);
        var result = await users.DeleteAsync(user);
        // Two deletions racing (a double submit): the loser's concurrency failure is the winner's success.
        if (!result.Succeeded && await db.Users.AsNoTracking().AnyAsync(u => u.Id == user.Id, HttpContext.RequestAborted))
        {
            throw new InvalidOperationException($"Deleting user {user.Id} failed: {string.Join(", ", result.Errors.Select(e => e.Code))}");
        }

        var events = await activity.DeleteAllAsync(user.Id, CancellationToken.None);
        ActivityLogMessages.AccountDeleted(logger, user.Id, ended, events);
        if (result.Succeeded)
        {
            // The owner learns of it in their mailbox, in case it was not them (the password was right, though). Once:
            // the loser of a double submit has nothing to announce.
            await mailer.SendAccountDeletedAsync(user.Email!, CancellationToken.None);
        }

        await HttpContext.SignOutAsync();
        return Redirect($"{AppRoutes.Home}?Notice={DeletedNotice}");
    }
}
