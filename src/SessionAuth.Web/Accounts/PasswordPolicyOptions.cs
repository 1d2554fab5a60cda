using System.ComponentModel.DataAnnotations;

namespace SessionAuth.Web.Accounts;

/// <summary>Password rules and hashing strength (section "Accounts:Passwords"), after ASVS 4.0.3 V2.1 and 5.0.</summary>
public sealed class PasswordPolicyOptions
{
    public const string SectionName = "Accounts:Passwords";

    /// <summary>The longest password accepted; nothing is truncated.</summary>
    public const int MaximumLength = 128;

    [Range(8, MaximumLength, ErrorMessage = "Accounts:Passwords:MinimumLength must be between 8 and 128.")]
    public int MinimumLength { get; set; } = 12;

    /// <summary>PBKDF2-HMAC-SHA512 iterations; ASVS 5.0 asks for at least 210,000.</summary>
    [Range(210_000, 10_000_000, ErrorMessage = "Accounts:Passwords:HashIterations must be between 210,000 and 10,000,000.")]
    public int HashIterations { get; set; } = 210_000;
}
