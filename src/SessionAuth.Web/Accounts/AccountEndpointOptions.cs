using System.ComponentModel.DataAnnotations;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// Limits on the forms that take a password (section "AccountEndpoints"). They attach to the pages
/// named in <see cref="AppRoutes.PasswordForms"/> as endpoint metadata, so every path that routes
/// to one of those pages (<c>/Account/Login/</c>, <c>/%41ccount/login</c>, ...) gets the same limits.
/// </summary>
public sealed class AccountEndpointOptions
{
    public const string SectionName = "AccountEndpoints";

    /// <summary>The rate limiter policy the password forms carry.</summary>
    public const string RateLimitPolicy = "password-forms";

    /// <summary>
    /// POSTs one client address may make to each password form (login, register, change password:
    /// each counts on its own) per <see cref="Window"/>; more get 429 with Retry-After. Reading a form
    /// (GET) is not limited. Setting: <c>AccountEndpoints:PermitLimit</c>, 1 to 1,000,000, default 10.
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "AccountEndpoints:PermitLimit must be between 1 and 1,000,000.")]
    public int PermitLimit { get; set; } = 10;

    /// <summary>
    /// The fixed window of the rate limit. Setting: <c>AccountEndpoints:Window</c> as <c>hh:mm:ss</c>,
    /// 1 second to 1 day, default one minute.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "AccountEndpoints:Window must be between 00:00:01 and 1.00:00:00 (hh:mm:ss).")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The largest request body the password forms accept, and the largest any request to the app may
    /// carry (nothing else takes a body); larger is 413 before it is read. Setting:
    /// <c>AccountEndpoints:MaxRequestBytes</c>, 1 KB to 10 MB, default 64 KB.
    /// </summary>
    [Range(1024, 10 * 1024 * 1024, ErrorMessage = "AccountEndpoints:MaxRequestBytes must be between 1024 (1 KB) and 10485760 (10 MB).")]
    public long MaxRequestBytes { get; set; } = 64 * 1024;
}
