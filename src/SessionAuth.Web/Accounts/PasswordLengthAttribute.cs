using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// The password length rule as model validation, so a form reports it together with every other
/// field rule in one answer (a short password and a bad email at once). Counts text elements
/// after NFC (<see cref="CredentialInput"/>), reading Accounts:Passwords:MinimumLength.
/// <see cref="ValidationAttribute.ErrorMessage"/>, when set, is the too-long message; a password that is
/// checked, not chosen, says <see cref="CredentialInput.PasswordTooLong"/> as the token API does.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PasswordLengthAttribute : ValidationAttribute
{
    /// <summary>False for a password that is checked, not chosen: only the maximum applies.</summary>
    public bool CheckMinimum { get; init; } = true;

    public override bool RequiresValidationContext => true;

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is not string { Length: > 0 } password)
        {
            return ValidationResult.Success; // [Required] speaks for an empty field
        }

        var policy = validationContext.GetService(typeof(IOptions<PasswordPolicyOptions>)) is IOptions<PasswordPolicyOptions> options
            ? options.Value
            : new PasswordPolicyOptions();
        return policy.LengthProblem(password, CheckMinimum, ErrorMessage ?? (CheckMinimum ? null : CredentialInput.PasswordTooLong)) is { } problem
            ? new ValidationResult(problem, validationContext.MemberName is { } member ? [member] : null)
            : ValidationResult.Success;
    }
}
