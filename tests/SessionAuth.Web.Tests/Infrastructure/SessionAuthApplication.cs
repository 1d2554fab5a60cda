using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>
/// The real app in memory, pointed at a real Redis (or none: the in-process store) and a fresh
/// SQLite file of its own. Runs as "Testing", so cookies are hardened as in production; clients
/// use an https base address so they send Secure cookies.
/// </summary>
public sealed class SessionAuthApplication(
    string? redisConnectionString,
    IReadOnlyDictionary<string, string?>? settings = null,
    Action<IServiceCollection>? configureServices = null) : WebApplicationFactory<Program>
{
    public string DatabasePath { get; } = Path.Combine(Path.GetTempPath(), $"sessionauth-tests-{Guid.NewGuid():N}.db");

    public TestLogSink Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // As strict as Development: a singleton that captures a scoped service fails every test.
        builder.UseDefaultServiceProvider(options =>
        {
            options.ValidateScopes = true;
            options.ValidateOnBuild = true;
        });
        builder.UseSetting("ConnectionStrings:Accounts", $"Data Source={DatabasePath}");
        builder.UseSetting("ConnectionStrings:Redis", redisConnectionString ?? "");
        builder.UseSetting("Hosting:InstanceName", "test-instance");
        // Every test client shares one address; the rate limit has its own tests with a low limit.
        builder.UseSetting("AccountEndpoints:PermitLimit", "100000");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(Logs);
            services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider, TestLogProvider>();
            configureServices?.Invoke(services);
        });
    }

    /// <summary>A browser-like client: keeps cookies, does not follow redirects, speaks https.</summary>
    public AppClient CreateAppClient(bool handleCookies = true) => new(CreateClient(new WebApplicationFactoryClientOptions
    {
        AllowAutoRedirect = false,
        BaseAddress = new Uri("https://localhost"),
        HandleCookies = handleCookies,
    }));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(DatabasePath + suffix);
        }
    }
}
