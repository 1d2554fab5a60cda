using System.ComponentModel.DataAnnotations;
using System.Net;

namespace SessionAuth.Web.Hosting;

/// <summary>Facts about this running instance (section "Hosting").</summary>
public sealed class HostingOptions : IValidatableObject
{
    public const string SectionName = "Hosting";

    /// <summary>Shown on the dashboard, so you can see which instance served a request behind a load balancer.</summary>
    [Required, StringLength(100)]
    public string InstanceName { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>
    /// Reverse proxies whose X-Forwarded-For/-Proto headers are believed (loopback is always trusted):
    /// single addresses (<c>10.0.0.5</c>) or networks in CIDR notation (<c>172.18.0.0/16</c>, for a
    /// proxy whose address Docker or Kubernetes assigns). Set it when a proxy on another host terminates TLS.
    /// </summary>
    public IList<string> TrustedProxies { get; } = [];

    /// <summary>
    /// After SIGTERM the instance stops accepting connections at once and gives requests already
    /// under way this long to finish (HostOptions.ShutdownTimeout). Keep it below the orchestrator's
    /// kill grace period (Docker's default is 10 s: set stop_grace_period above this).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Hosting:ShutdownTimeout must be between 1 second and 10 minutes.")]
    public TimeSpan ShutdownTimeout { get; set; } = DefaultShutdownTimeout;

    internal const string ShutdownTimeoutKey = $"{SectionName}:{nameof(ShutdownTimeout)}";

    internal static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(30);

    public IEnumerable<IPAddress> TrustedProxyAddresses =>
        TrustedProxies.Select(p => IPAddress.TryParse(p, out var address) ? address : null).OfType<IPAddress>();

    public IEnumerable<IPNetwork> TrustedProxyNetworks =>
        TrustedProxies.Where(p => !IPAddress.TryParse(p, out _))
            .Select(p => IPNetwork.TryParse(p, out var network) ? network : (IPNetwork?)null)
            .OfType<IPNetwork>();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        TrustedProxies.Select((value, index) => (value, index))
            .Where(p => !IPAddress.TryParse(p.value, out _) && !IPNetwork.TryParse(p.value, out _))
            .Select(p => new ValidationResult(
                $"Hosting:TrustedProxies:{p.index} is '{p.value}', which is neither an IP address (10.0.0.5) "
                + "nor a network in CIDR notation (172.18.0.0/16).",
                [nameof(TrustedProxies)]));
}
