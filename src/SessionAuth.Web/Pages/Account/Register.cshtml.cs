using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Pages.Account;

public sealed class RegisterModel(UserManager<ApplicationUser> users, ActivityLog activity, ILogger<RegisterModel> logger) : PageModel
{
    public const string EmailTaken = "An account with this email already exists. Sign in instead.";

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
        var result = await CreateAsync(user);
        if (!result.Succeeded)
        {
            foreach (var (key, message) in Describe(result.Errors))
            {
                ModelState.AddModelError(key, message);
            }

            return Page();
        }

        AccountsLog.UserRegistered(logger, user.Id);
        await activity.RecordAsync(user.Id, ActivityKind.AccountCreated, HttpContext);

        // Registration does not sign in: the person signs in through the same form as always,
        // and lands where they were going.
        return RedirectToPage(AppRoutes.Login, new { Notice = "registered", ReturnUrl = string.IsNullOrEmpty(ReturnUrl) ? null : Url.SafeReturnUrl(ReturnUrl) });
    }

    /// <summary>
    /// Creates the account, or says everything that stands in the way at once: Identity's CreateAsync
    /// stops at the first failing group (password before email), so an unusable email is checked first
    /// and then reported together with the password's problems.
    /// </summary>
    private async Task<IdentityResult> CreateAsync(ApplicationUser user)
    {
        var userErrors = await ErrorsAsync(users.UserValidators.Select(v => v.ValidateAsync(users, user)));
        if (userErrors.Count > 0)
        {
            var passwordErrors = await ErrorsAsync(users.PasswordValidators.Select(v => v.ValidateAsync(users, user, Input.Password)));
            return IdentityResult.Failed([.. userErrors, .. passwordErrors]);
        }

        try
        {
            return await users.CreateAsync(user, Input.Password);
        }
        catch (DbUpdateException ex) when (AccountsDatabaseErrors.IsUniqueViolation(ex))
        {
            // Two registrations of one email both passed Identity's "is it taken?" query; the unique
            // index on the user name (= the email) let only one in. The loser hears what any taken email hears.
            return IdentityResult.Failed(users.ErrorDescriber.DuplicateEmail(Input.Email));
        }
    }

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
                nameof(IdentityErrorDescriber.DuplicateUserName) or nameof(IdentityErrorDescriber.DuplicateEmail) =>
                    ("Input.Email", EmailTaken),
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
