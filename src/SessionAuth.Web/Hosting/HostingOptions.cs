using System.ComponentModel.DataAnnotations;

namespace SessionAuth.Web.Hosting;

/// <summary>Facts about this running instance (section "Hosting").</summary>
public sealed class HostingOptions : IValidatableObject
{
    public const string SectionName = "Hosting";

    /// <summary>Shown on the dashboard, so you can see which instance served a request behind a load balancer.</summary>
    [Required, StringLength(100)]
    public string InstanceName { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>
    /// Addresses of reverse proxies whose X-Forwarded-For/-Proto headers are believed (loopback is
    /// always trusted). Set it when a proxy on another host terminates TLS.
    /// </summary>
    public IList<string> TrustedProxies { get; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        TrustedProxies.Where(p => !System.Net.IPAddress.TryParse(p, out _))
            .Select(p => new ValidationResult($"Hosting:TrustedProxies holds '{p}', which is not an IP address."));
}
