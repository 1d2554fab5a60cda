using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Email;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Pages.Account;

/// <summary>
/// Asks to move the account to another address. The current password proves it is the owner (a wrong one counts
/// toward lockout, as on the change-password page). Nothing changes here: the new address gets a link
/// (<see cref="ConfirmEmailChangeModel"/>) and the current one a notice; until the link is opened the current address
/// signs in and the new one does not. An address that already has an account gets the same answer, no link, and no change.
/// </summary>
public sealed class ChangeEmailModel(
    UserManager<ApplicationUser> users,
    AccountMailer mailer,
    AnswerTimeFloor floor,
    AccountsDbContext db,
    EmailFingerprint fingerprint,
    ActivityLog activity,
    ILogger<ChangeEmailModel> logger) : PageModel
{
    public const string WrongPassword = "That is not your current password. Nothing was changed.";
    public const string SameAddress = "That is already your address. Type the new one.";
    public const string SentNotice = "sent";
    public const string ChangedNotice = "changed";

    [BindProperty]
    public InputModel Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? Notice { get; set; }

    /// <summary>The address on the form after a request: shown in the notice, the same for a free and a taken one.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Requested { get; set; }

    public string CurrentEmail => User.FindFirst(users.Options.ClaimsIdentity.EmailClaimType)?.Value ?? User.Identity?.Name ?? "";

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter the new email address.")]
        [StringLength(CredentialInput.MaxEmailLength, ErrorMessage = CredentialInput.EmailTooLong)]
        [EmailAddress(ErrorMessage = CredentialInput.EmailMalformed)]
        [Display(Name = "New email address")]
        public string NewEmail { get; set; } = "";

        [Required(ErrorMessage = "Enter your current password.")]
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

        var newEmail = Input.NewEmail.Trim();
        if (string.Equals(users.NormalizeEmail(newEmail), user.NormalizedEmail, StringComparison.Ordinal))
        {
            ModelState.AddModelError("Input.NewEmail", SameAddress);
            return Page();
        }

        // The rules a registration's address meets (characters allowed in a user name), bar "taken", which is answered
        // like a free address.
        var probe = new ApplicationUser { Id = user.Id, UserName = newEmail, Email = newEmail };
        var unusable = new List<IdentityError>();
        foreach (var validator in users.UserValidators)
        {
            unusable.AddRange((await validator.ValidateAsync(users, probe)).Errors);
        }

        var taken = unusable.RemoveAll(e => e.Code is nameof(IdentityErrorDescriber.DuplicateUserName) or nameof(IdentityErrorDescriber.DuplicateEmail)) > 0;
        if (unusable.Count > 0)
        {
            ModelState.AddModelError("Input.NewEmail", "This email address cannot be used. Use letters, digits and . _ - + @ only.");
            return Page();
        }

        var started = floor.Start();
        var cancellationToken = HttpContext.RequestAborted;
        if (taken)
        {
            // The owner of the current address still hears of the request; the taken address hears nothing.
            await mailer.SendChangeEmailNoticeAsync(user, newEmail, cancellationToken);
        }
        else
        {
            await mailer.SendChangeEmailAsync(user, newEmail, cancellationToken);
        }

        AccountsLog.EmailChangeRequested(logger, user.Id, await fingerprint.OfAsync(newEmail, cancellationToken), taken ? "address taken, no link" : "link mailed");
        await activity.RecordAsync(user.Id, ActivityKind.EmailChangeRequested, HttpContext);
        await floor.WaitAsync(started);
        return RedirectToPage(new { Notice = SentNotice, Requested = newEmail });
    }
}
