using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace SessionAuth.Web.Infrastructure;

/// <summary>
/// The one Redis connection (ConnectionStrings:Redis), shared by every store that keeps data in Redis
/// (sessions, refresh grants), and the store choice: Redis when the connection string is set, else
/// each store keeps its data in process.
/// </summary>
internal static class RedisConnection
{
    public const string ConnectionStringName = "Redis";

    /// <summary>
    /// Registers the Redis client settings (section "Redis"), and with a connection string the one
    /// <see cref="IConnectionMultiplexer"/> and its readiness check; safe to call from every store's
    /// extension. Returns whether Redis is used.
    /// </summary>
    public static bool AddRedisConnection(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        var useRedis = !string.IsNullOrWhiteSpace(connectionString);
        if (services.Any(service => service.ServiceType == typeof(Registered)))
        {
            return useRedis;
        }

        services.AddSingleton<Registered>();
        services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        if (useRedis)
        {
            // Parsed now, so a typo is a bad setting at start-up rather than a crash at the first request.
            var configuration = ParseRedisConnectionString(connectionString!);
            services.AddSingleton<IConnectionMultiplexer>(sp =>
                ConnectRedis(configuration, sp.GetRequiredService<IOptions<RedisOptions>>().Value));
            services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        }

        return useRedis;
    }

    /// <summary>Marks the connection as registered, so a second store's call adds nothing twice.</summary>
    private sealed class Registered;

    private static ConfigurationOptions ParseRedisConnectionString(string connectionString)
    {
        try
        {
            return ConfigurationOptions.Parse(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            // The parser's message names the bad keyword, not the string (which may hold a password).
            throw new InvalidSettingException(
                $"ConnectionStrings:{ConnectionStringName} is not a StackExchange.Redis configuration string ({ex.Message}). Use e.g. '127.0.0.1:6379,password=…'.");
        }
    }

    private static ConnectionMultiplexer ConnectRedis(ConfigurationOptions options, RedisOptions redisOptions)
    {
        // Start even while Redis is away and reconnect by itself; fail each call fast meanwhile,
        // so a page can say "unavailable" within two seconds instead of queueing requests.
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectTimeout = (int)redisOptions.ConnectTimeout.TotalMilliseconds;
        options.SyncTimeout = (int)redisOptions.OperationTimeout.TotalMilliseconds;
        options.AsyncTimeout = (int)redisOptions.OperationTimeout.TotalMilliseconds;
        options.ConnectRetry = 3;
        // The heartbeat is when the client finds timed-out commands and retries a lost connection:
        // at its default 1 s a 1 s timeout fires after up to 2 s (measured, with Redis stalled). At
        // 250 ms it fires by 1.25 s, and with back-off capped at 2 s the app is back within about
        // 2.5 s of Redis (or a cluster node) returning, with no restart.
        options.HeartbeatInterval = TimeSpan.FromMilliseconds(250);
        options.ReconnectRetryPolicy = new ExponentialRetry(250, 2000);
        // Several host:port endpoints may name a Redis Cluster: the client discovers its masters and
        // follows MOVED/ASK redirects, so a slot migration or failover needs no setting change.
        options.ClientName ??= "sessionauth";
        // Client errors name no keys: a timeout message in the log must not quote what the app asked for.
        options.IncludeDetailInExceptions = false;
        options.IncludePerformanceCountersInExceptions = false;
        return ConnectionMultiplexer.Connect(options);
    }
}
