using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Hosting;
using SessionAuth.Web.Pages;
using StackExchange.Redis;

namespace SessionAuth.Web.Sessions;

internal static class SessionsExtensions
{
    public const string RedisConnectionStringName = "Redis";

    /// <summary>
    /// Server-side sessions: Redis when ConnectionStrings:Redis is set, else the in-process store.
    /// The Data Protection key ring and the cookie key live in the accounts database (AddAccounts), not here:
    /// losing Redis data must cost the signed-in sessions only.
    /// </summary>
    public static WebApplicationBuilder AddServerSessions(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ServerSessionOptions>().BindConfiguration(ServerSessionOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();

        services.AddDataProtection().SetApplicationName("SessionAuth");
        var redisConnectionString = builder.Configuration.GetConnectionString(RedisConnectionStringName);
        if (string.IsNullOrWhiteSpace(redisConnectionString))
        {
            services.AddSingleton<ISessionStore, InMemorySessionStore>();
        }
        else
        {
            // Parsed now, so a typo is a bad setting at start-up rather than a crash at the first request.
            var redisConfiguration = ParseRedisConnectionString(redisConnectionString);
            services.AddSingleton<IConnectionMultiplexer>(sp =>
                ConnectRedis(redisConfiguration, sp.GetRequiredService<IOptions<RedisOptions>>().Value));
            services.AddSingleton<ISessionStore, RedisSessionStore>();
            services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        }

        // The default scheme: pages sign in, out and challenge through it without naming it.
        services.AddAuthentication(ServerSessionDefaults.Scheme)
            .AddServerSession(scheme => scheme.LoginPath = AppRoutes.Login);
        services.AddOptions<ServerSessionSchemeOptions>(ServerSessionDefaults.Scheme)
            .Configure<IOptions<ServerSessionOptions>>((scheme, settings) => settings.Value.ConfigureScheme(scheme));
        services.AddAuthorization();
        // Pages end sessions through this, so the revoke rules (and the stamp rotation) live in one place.
        services.AddScoped<SessionRevocation>();
        return builder;
    }

    public static WebApplication UseServerSessions(this WebApplication app)
    {
        var store = app.Services.GetRequiredService<ISessionStore>();
        if (store is RedisSessionStore)
        {
            SessionLog.StoreSelected(app.Logger, LogLevel.Information, store.Name, "Sessions are shared by every instance on this Redis.");
        }
        else
        {
            // Fine on a developer's machine; anywhere else it usually means a forgotten connection string.
            SessionLog.StoreSelected(app.Logger, app.Environment.IsDevelopment() ? LogLevel.Information : LogLevel.Warning, store.Name,
                "Sessions live in this process only: they end when it stops and other instances cannot see them. Set ConnectionStrings__Redis to use Redis.");
        }

        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

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
                $"ConnectionStrings:{RedisConnectionStringName} is not a StackExchange.Redis configuration string ({ex.Message}). Use e.g. '127.0.0.1:6379,password=…'.");
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
