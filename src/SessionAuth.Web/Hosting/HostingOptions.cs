using System.ComponentModel.DataAnnotations;

namespace SessionAuth.Web.Hosting;

/// <summary>Facts about this running instance (section "Hosting").</summary>
public sealed class HostingOptions
{
    public const string SectionName = "Hosting";

    /// <summary>Shown on the dashboard, so you can see which instance served a request behind a load balancer.</summary>
    [Required, StringLength(100)]
    public string InstanceName { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}";
}
