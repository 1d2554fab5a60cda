using System.ComponentModel.DataAnnotations;

namespace SessionAuth.Web.Infrastructure;

/// <summary>Connection behaviour of the Redis client (section "Redis"); the address is ConnectionStrings:Redis.</summary>
public sealed class RedisOptions
{
    public const string SectionName = "Redis";

    /// <summary>Short on purpose: when Redis is away, the page must say so within two seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00", ErrorMessage = "Redis:ConnectTimeout must be between 50 ms and 1 minute.")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00", ErrorMessage = "Redis:OperationTimeout must be between 50 ms and 1 minute.")]
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(1);
}
