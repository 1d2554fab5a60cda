using System.ComponentModel.DataAnnotations;

namespace SessionAuth.Web.Hosting;

/// <summary>Limits on the account forms' POSTs (section "AccountEndpoints").</summary>
public sealed class AccountEndpointOptions
{
    public const string SectionName = "AccountEndpoints";

    /// <summary>The form posts that take a password: brute force and credential stuffing aim here.</summary>
    public static readonly string[] Paths = ["/Account/Login", "/Account/Register", "/Account/ChangePassword"];

    /// <summary>POSTs one client address may make to one of these forms per window.</summary>
    [Range(1, 1_000_000, ErrorMessage = "AccountEndpoints:PermitLimit must be between 1 and 1,000,000.")]
    public int PermitLimit { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "AccountEndpoints:Window must be between 1 second and 1 day.")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The largest request body these forms accept; anything larger is a 413 before it is read.</summary>
    [Range(1024, 10 * 1024 * 1024, ErrorMessage = "AccountEndpoints:MaxRequestBytes must be between 1 KB and 10 MB.")]
    public long MaxRequestBytes { get; set; } = 64 * 1024;

    public static bool IsAccountFormPost(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && Paths.Any(path => request.Path.Equals(path, StringComparison.OrdinalIgnoreCase));
}
