using System.ComponentModel.DataAnnotations;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// How the account flows that go through mail behave (section "Accounts", beside the provider, which is
/// read before any service exists and so lives apart in <see cref="AccountsOptions"/>).
/// </summary>
public sealed class AccountFlowOptions
{
    public const string SectionName = "Accounts";

    /// <summary>
    /// True: an account whose address is not confirmed cannot sign in, by form, passkey or the token API (after a
    /// correct password or passkey only, so it tells nothing to someone who lacks it). False (the default): an account
    /// is usable at once and the dashboard asks for the confirmation. Setting: <c>Accounts:RequireConfirmedEmail</c>.
    /// </summary>
    public bool RequireConfirmedEmail { get; set; }

    /// <summary>
    /// How long a password reset link works. Setting: <c>Accounts:PasswordResetLifetime</c> as <c>hh:mm:ss</c>,
    /// 1 second to 1 day, default 30 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00",
        ErrorMessage = "Accounts:PasswordResetLifetime must be between 00:00:01 and 1.00:00:00 (hh:mm:ss).")]
    public TimeSpan PasswordResetLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long a link that confirms an address (after registering, or a change of address) works.
    /// Setting: <c>Accounts:EmailConfirmationLifetime</c>, 1 minute to 30 days, default 3 days.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00",
        ErrorMessage = "Accounts:EmailConfirmationLifetime must be between 00:01:00 and 30.00:00:00 (d.hh:mm:ss).")]
    public TimeSpan EmailConfirmationLifetime { get; set; } = TimeSpan.FromDays(3);
}
