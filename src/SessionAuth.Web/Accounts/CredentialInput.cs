using System.ComponentModel.DataAnnotations;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// The one input rule for credentials a person types to sign in or to prove who they are: the login
/// form, the token API and the forms that ask for the current password all check the same limits,
/// count the same way and say the same words.
/// </summary>
internal static class CredentialInput
{
    /// <summary>The longest email address, in UTF-16 code units (the accounts database column's unit).</summary>
    public const int MaxEmailLength = 256;

    /// <summary>The longest password, in characters as <see cref="PasswordText.Length"/> counts them (text elements after NFC).</summary>
    public const int MaxPasswordLength = PasswordPolicyOptions.MaximumLength;

    public const string EmailMissing = "Enter your email address.";
    public const string EmailTooLong = "An email address has at most 256 characters.";
    public const string EmailMalformed = "Enter a valid email address.";
    public const string PasswordMissing = "Enter your password.";
    public const string PasswordTooLong = "A password has at most 128 characters.";

    /// <summary>The same words for unknown email, wrong password and locked account alike, on the form and from the API.</summary>
    public const string InvalidCredentials = "Invalid email or password.";

    private static readonly EmailAddressAttribute EmailRule = new();

    public static bool IsEmailTooLong(string email) => email.Length > MaxEmailLength;

    /// <summary>Not an email address by the rule of the forms' <see cref="EmailAddressAttribute"/> (one @, neither first nor last).</summary>
    public static bool IsEmailMalformed(string email) => !EmailRule.IsValid(email);

    /// <summary>
    /// Longer than <see cref="MaxPasswordLength"/> characters, or than a hard cap in UTF-16 code units
    /// (a character can be many: a letter under a pile of combining marks), so hashing never sees unbounded input.
    /// </summary>
    public static bool IsPasswordTooLong(string password) =>
        password.Length > PasswordPolicyOptions.MaximumCodeUnits || PasswordText.Length(password) > MaxPasswordLength;
}
