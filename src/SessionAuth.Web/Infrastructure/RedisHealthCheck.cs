using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace SessionAuth.Web.Infrastructure;

/// <summary>Readiness: the instance can serve signed-in requests only while Redis answers.</summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:0.0} ms");
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis does not answer.", ex);
        }
    }
}
