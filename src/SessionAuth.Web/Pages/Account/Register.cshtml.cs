using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Email;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Pages.Account;

/// <summary>
/// Registration answers the same for a new address and for one that already has an account (ASVS 2.5 / 3.x: no
/// enumeration): both redirect to the sign-in page saying a mail is on its way. The new account gets a link that
/// confirms its address; the owner of a taken one gets "someone tried to register with your address" with a reset
/// link, and nobody is signed in. Both cost a password hash and an outbox row, so the time tells nothing either.
/// </summary>
public sealed class RegisterModel(
    UserManager<ApplicationUser> users,
    AccountMailer mailer,
    DecoyPasswordCheck decoy,
    AccountsDbContext db,
    EmailFingerprint fingerprint,
    ActivityLog activity,
    ILogger<RegisterModel> logger) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    [BindProperty(SupportsGet = true, Name = "ReturnUrl")]
    public string? ReturnUrl { get; set; }

    public sealed class InputModel
    {
        [Required(ErrorMessage = CredentialInput.EmailMissing)]
        [StringLength(CredentialInput.MaxEmailLength, ErrorMessage = CredentialInput.EmailTooLong)]
        [EmailAddress(ErrorMessage = CredentialInput.EmailMalformed)]
        [Display(Name = "Email")]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "Choose a password.")]
        [PasswordLength]
        [DataType(DataType.Password)]
        [Display(Name = "Password")]
        public string Password { get; set; } = "";

        [Required(ErrorMessage = "Type the password again.")]
        [DataType(DataType.Password)]
        [Compare(nameof(Password), ErrorMessage = "The two passwords differ.")]
        [Display(Name = "Confirm password")]
        public string ConfirmPassword { get; set; } = "";
    }

    public int MinimumLength => users.Options.Password.RequiredLength;

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var user = new ApplicationUser { UserName = Input.Email, Email = Input.Email };
        var (result, taken) = await CreateAsync(user);
        if (!result.Succeeded && !taken)
        {
            foreach (var (key, message) in Describe(result.Errors))
            {
                ModelState.AddModelError(key, message);
            }

            return Page();
        }

        var cancellationToken = HttpContext.RequestAborted;
        if (taken)
        {
            // The owner hears of it; the person at this form hears what a new registration hears.
            AccountsLog.RegistrationOfTakenEmail(logger, await fingerprint.OfAsync(Input.Email, cancellationToken));
            if (await users.FindByEmailAsync(Input.Email) is { } owner)
            {
                await mailer.SendRegistrationAttemptAsync(owner, cancellationToken);
            }
        }
        else
        {
            AccountsLog.UserRegistered(logger, user.Id);
            await activity.RecordAsync(user.Id, ActivityKind.AccountCreated, HttpContext);
            await mailer.SendConfirmationAsync(user, cancellationToken);
        }

        // Registration does not sign in: the person signs in through the same form as always (at once, unless
        // Accounts:RequireConfirmedEmail asks for the confirmation first), and lands where they were going.
        return RedirectToPage(AppRoutes.Login, new { Notice = "registered", ReturnUrl = string.IsNullOrEmpty(ReturnUrl) ? null : Url.SafeReturnUrl(ReturnUrl) });
    }

    /// <summary>
    /// Creates the account, or says everything that stands in the way at once: Identity's CreateAsync
    /// stops at the first failing group (password before email), so an unusable email is checked first
    /// and then reported together with the password's problems. A taken address is no error to report: it is
    /// told apart (Taken) after the password has passed the same policy, and costs the same hash.
    /// </summary>
    private async Task<(IdentityResult Result, bool Taken)> CreateAsync(ApplicationUser user)
    {
        var userErrors = await ErrorsAsync(users.UserValidators.Select(v => v.ValidateAsync(users, user)));
        var taken = userErrors.RemoveAll(IsTaken) > 0;
        if (userErrors.Count > 0 || taken)
        {
            var passwordErrors = await ErrorsAsync(users.PasswordValidators.Select(v => v.ValidateAsync(users, user, Input.Password)));
            if (userErrors.Count > 0 || passwordErrors.Count > 0)
            {
                return (IdentityResult.Failed([.. userErrors, .. passwordErrors]), false);
            }

            // What CreateAsync would have spent hashing the password.
            decoy.Hash(Input.Password);
            return (IdentityResult.Failed(users.ErrorDescriber.DuplicateEmail(Input.Email)), true);
        }

        try
        {
            var result = await users.CreateAsync(user, Input.Password);
            return (result, !result.Succeeded && result.Errors.Any(IsTaken));
        }
        catch (DbUpdateException ex) when (AccountsDatabaseErrors.IsUniqueViolation(ex))
        {
            // Two registrations of one email both passed Identity's "is it taken?" query; the unique
            // index on the user name (= the email) let only one in. The loser is a taken address like any other;
            // its refused row leaves the context, or the outbox's save would try it again.
            db.Entry(user).State = EntityState.Detached;
            return (IdentityResult.Failed(users.ErrorDescriber.DuplicateEmail(Input.Email)), true);
        }
    }

    private static bool IsTaken(IdentityError error) =>
        error.Code is nameof(IdentityErrorDescriber.DuplicateUserName) or nameof(IdentityErrorDescriber.DuplicateEmail);

    private static async Task<List<IdentityError>> ErrorsAsync(IEnumerable<Task<IdentityResult>> validations)
    {
        var errors = new List<IdentityError>();
        foreach (var validation in validations)
        {
            errors.AddRange((await validation).Errors);
        }

        return errors;
    }

    private static IEnumerable<(string Key, string Message)> Describe(IEnumerable<IdentityError> errors)
    {
        var seen = new HashSet<string>();
        foreach (var error in errors)
        {
            var described = error.Code switch
            {
                nameof(IdentityErrorDescriber.InvalidUserName) or nameof(IdentityErrorDescriber.InvalidEmail) =>
                    ("Input.Email", "This email address cannot be used. Use letters, digits and . _ - + @ only."),
                _ when error.Code.StartsWith("Password", StringComparison.Ordinal) => ("Input.Password", error.Description),
                _ => (string.Empty, error.Description),
            };
            if (seen.Add(described.Item2))
            {
                yield return described;
            }
        }
    }
}
