using System.ComponentModel.DataAnnotations;

namespace SessionAuth.Web.Accounts;

/// <summary>Password rules and hashing strength (section "Accounts:Passwords"), after ASVS 4.0.3 V2.1 and 5.0.</summary>
public sealed class PasswordPolicyOptions
{
    public const string SectionName = "Accounts:Passwords";

    /// <summary>The setting that holds <see cref="MinimumScore"/>: the name the docs use, outside this section.</summary>
    public const string MinimumScoreKey = "PasswordPolicy:MinimumScore";

    /// <summary>The longest password accepted, in text elements; nothing is truncated.</summary>
    public const int MaximumLength = 128;

    /// <summary>
    /// A hard cap in UTF-16 code units: a text element can be many (a letter with a pile of combining
    /// marks), and hashing and strength estimation should not see unbounded input.
    /// </summary>
    public const int MaximumCodeUnits = 4 * MaximumLength;

    /// <summary>The shortest password accepted, in text elements after NFC (an emoji or an accented letter is one).</summary>
    [Range(8, MaximumLength, ErrorMessage = "Accounts:Passwords:MinimumLength must be between 8 and 128.")]
    public int MinimumLength { get; set; } = 12;

    /// <summary>PBKDF2-HMAC-SHA512 iterations; ASVS 5.0 asks for at least 210,000.</summary>
    [Range(210_000, 10_000_000, ErrorMessage = "Accounts:Passwords:HashIterations must be between 210,000 and 10,000,000.")]
    public int HashIterations { get; set; } = 210_000;

    /// <summary>
    /// The lowest zxcvbn score (0-4) a new password needs; 3 means "safely unguessable: moderate
    /// protection from an offline slow-hash scenario". Bound from <see cref="MinimumScoreKey"/> only
    /// (the setter is not public, so the section binder leaves it alone).
    /// </summary>
    [Range(0, 4, ErrorMessage = "PasswordPolicy:MinimumScore must be a whole number from 0 to 4 (zxcvbn's scale; default 3).")]
    public int MinimumScore { get; internal set; } = 3;

    /// <summary>What is wrong with the password's length, or null. Shared by the forms' model validation and Identity's validator.</summary>
    public string? LengthProblem(string password, bool checkMinimum, string? tooLongMessage = null)
    {
        if (CredentialInput.IsPasswordTooLong(password))
        {
            return tooLongMessage ?? $"Use at most {MaximumLength} characters.";
        }

        return checkMinimum && PasswordText.Length(password) < MinimumLength
            ? $"Use at least {MinimumLength} characters (at most {MaximumLength}). Spaces and any language are fine."
            : null;
    }
}
