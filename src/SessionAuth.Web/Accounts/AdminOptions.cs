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
