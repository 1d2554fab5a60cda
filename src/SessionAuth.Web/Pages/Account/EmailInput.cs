using System.ComponentModel.DataAnnotations;
using SessionAuth.Web.Accounts;

namespace SessionAuth.Web.Pages.Account;

/// <summary>The input of the forms that take an address alone and mail it (forgot password, resend confirmation): <c>Input.Email</c>.</summary>
public sealed class EmailInput
{
    [Required(ErrorMessage = CredentialInput.EmailMissing)]
    [StringLength(CredentialInput.MaxEmailLength, ErrorMessage = CredentialInput.EmailTooLong)]
    [EmailAddress(ErrorMessage = CredentialInput.EmailMalformed)]
    [Display(Name = "Email")]
    public string Email { get; set; } = "";
}
