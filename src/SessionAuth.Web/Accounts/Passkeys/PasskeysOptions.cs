using System.ComponentModel.DataAnnotations;

namespace SessionAuth.Web.Accounts.Passkeys;

/// <summary>Passkey (WebAuthn) settings, section "Passkeys". The relying party is the host of App:PublicUrl, else the request's.</summary>
public sealed class PasskeysOptions
{
    public const string SectionName = "Passkeys";

    /// <summary>
    /// How long the browser may take over one registration or sign-in, and how long the server keeps its challenge
    /// (single use either way).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "00:10:00", ErrorMessage = "Passkeys:Timeout must be between 00:00:10 and 00:10:00 (hh:mm:ss).")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Sign-in challenges one client address may ask for per AccountEndpoints:Window (each click of "Continue with a
    /// passkey" asks for one). Each costs a short-lived record on the server; a bucket of its own, beside the login
    /// form's, so asking does not spend the password form's budget. The same number, each in a bucket of its own,
    /// limits the registration challenges a signed-in client asks for and its changes on the passkeys page (add,
    /// rename, remove).
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "Passkeys:OptionsPermitLimit must be between 1 and 1,000,000.")]
    public int OptionsPermitLimit { get; set; } = 60;
}
