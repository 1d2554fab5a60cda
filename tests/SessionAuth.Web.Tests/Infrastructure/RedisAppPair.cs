using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Accounts;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>
/// A redis-server of its own and the app pointed at it, started together and stopped together
/// (app first, so it never outlives its Redis). For a test that needs its own settings, its own
/// clock, a Redis it may stop, or several instances on one Redis:
/// <code>await using var pair = await RedisAppPair.StartAsync(new Dictionary&lt;string, string?&gt; { ["Sessions:IdleTimeout"] = "00:00:03" });</code>
/// </summary>
public sealed class RedisAppPair : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string?>? _settings;
    private readonly Action<IServiceCollection>? _configureServices;
    private readonly bool _kestrel;
    private readonly List<SessionAuthApplication> _instances = [];

    private RedisAppPair(RedisServer redis, IReadOnlyDictionary<string, string?>? settings, Action<IServiceCollection>? configureServices, bool kestrel, TestDatabase database)
    {
        Redis = redis;
        _settings = settings;
        _configureServices = configureServices;
        _kestrel = kestrel;
        Database = database;
    }

    public RedisServer Redis { get; }

    /// <summary>The accounts database every instance shares, as instances behind a load balancer do (it holds the Data Protection keys and the cookie key too).</summary>
    public TestDatabase Database { get; }

    /// <summary>The first app instance, already started.</summary>
    public SessionAuthApplication App => _instances[0];

    /// <param name="settings">Configuration overrides, e.g. ["Sessions:IdleTimeout"] = "00:00:03".</param>
    /// <param name="configureServices">Service replacements, e.g. a FakeTimeProvider.</param>
    /// <param name="persistentRedis">Append-only file on: what was written survives <see cref="RedisServer.StopAsync"/> and <see cref="RedisServer.RestartAsync"/>.</param>
    /// <param name="kestrel">Host on real Kestrel on a free loopback port instead of the in-memory test server (see <c>KestrelHost</c>).</param>
    /// <param name="accounts">The provider of the accounts database every instance shares: a fresh SQLite file or PostgreSQL database.</param>
    /// <param name="startFirstInstance">False to start no instance yet (e.g. to start several at once with <see cref="AddInstance"/>).</param>
    public static async Task<RedisAppPair> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null,
        bool persistentRedis = false,
        bool kestrel = false,
        AccountsProvider accounts = AccountsProvider.Sqlite,
        bool startFirstInstance = true)
    {
        var database = await TestDatabase.CreateAsync(accounts, "pair");
        var pair = new RedisAppPair(await RedisServer.StartAsync(persistentRedis), settings, configureServices, kestrel, database);
        try
        {
            if (startFirstInstance)
            {
                pair.AddInstance();
            }
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }

        return pair;
    }

    /// <summary>
    /// Starts one more app instance on the same Redis, with the same settings and services (as a
    /// second server behind a load balancer would be). It is stopped with the pair.
    /// </summary>
    /// <param name="overrides">Settings this instance has on top of the pair's, as during a rolling configuration change.</param>
    public SessionAuthApplication AddInstance(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>(_settings ?? new Dictionary<string, string?>());
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var app = new SessionAuthApplication(Redis.ConnectionString, settings, _configureServices, Database);
        lock (_instances)
        {
            _instances.Add(app);
        }

        if (_kestrel)
        {
            app.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        }

        app.StartServer(); // start the host now, not inside the test's first request
        return app;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _instances)
        {
            await app.DisposeAsync();
        }

        await Redis.DisposeAsync();
        await Database.DisposeAsync();
    }
}
