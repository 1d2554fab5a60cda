using System.ComponentModel.DataAnnotations;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// The operators (section "Admin"). <see cref="Emails"/> is the only source of the <see cref="OperatorRole.Name"/>
/// role: the accounts with these addresses hold it and no other account does (<see cref="OperatorRole"/>).
/// </summary>
public sealed class AdminOptions : IValidatableObject
{
    public const string SectionName = "Admin";

    /// <summary>Operators' email addresses, e.g. <c>Admin__Emails__0=ops@example.com</c>; empty means no console.</summary>
    public IList<string> Emails { get; } = [];

    /// <summary>
    /// Whether a listed address counts only once its owner confirmed it. Unset (the default): yes when a mail server
    /// is set (<c>Email:Smtp:Host</c>), so nobody takes the console by registering an operator's address that has no
    /// account yet; no without one (the pickup directory is a developer's own mailbox), with a warning at start-up.
    /// </summary>
    public bool? RequireConfirmedEmail { get; set; }

    /// <summary><see cref="RequireConfirmedEmail"/> as it applies with these mail settings.</summary>
    public bool ConfirmationRequired(Email.EmailOptions email) =>
        RequireConfirmedEmail ?? !string.IsNullOrWhiteSpace(email.Smtp.Host);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Emails.Count; i++)
        {
            var email = Emails[i]?.Trim() ?? "";
            if (email.Length == 0 || CredentialInput.IsEmailTooLong(email) || CredentialInput.IsEmailMalformed(email))
            {
                // The value is not echoed: it is meant to be someone's address.
                yield return new ValidationResult(
                    $"{SectionName}:{nameof(Emails)}:{i} must be an email address of at most {CredentialInput.MaxEmailLength} characters.",
                    [nameof(Emails)]);
            }
        }
    }
}
