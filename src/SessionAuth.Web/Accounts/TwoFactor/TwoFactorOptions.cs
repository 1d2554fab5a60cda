using System.ComponentModel.DataAnnotations;

namespace SessionAuth.Web.Accounts.TwoFactor;

/// <summary>Section "TwoFactor": the authenticator app's second step.</summary>
public sealed class TwoFactorOptions
{
    public const string SectionName = "TwoFactor";

    /// <summary>
    /// How long the second step waits after a right password (a server-side record, single use). Past it the
    /// person starts again with the password.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00", ErrorMessage = "TwoFactor:PendingLifetime must lie between 00:00:01 and 00:30:00.")]
    public TimeSpan PendingLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The issuer an authenticator app shows beside the account (the otpauth URI's issuer).</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "TwoFactor:Issuer must not be empty.")]
    [StringLength(64, ErrorMessage = "TwoFactor:Issuer may hold at most 64 characters.")]
    public string Issuer { get; set; } = "SessionAuth";
}
