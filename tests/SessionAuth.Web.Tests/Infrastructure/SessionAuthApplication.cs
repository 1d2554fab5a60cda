using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>
/// The real app in memory, pointed at a real Redis (or none: the in-process store) and a fresh
/// SQLite file of its own, or the accounts database it is given (shared by several instances, or PostgreSQL). Runs as "Testing", so cookies are hardened as in production; clients
/// use an https base address so they send Secure cookies.
/// </summary>
public sealed class SessionAuthApplication(
    string? redisConnectionString,
    IReadOnlyDictionary<string, string?>? settings = null,
    Action<IServiceCollection>? configureServices = null,
    TestDatabase? database = null) : WebApplicationFactory<Program>
{
    private readonly bool _ownsDatabase = database is null;

    /// <summary>The accounts database: the one given (its owner disposes it), else a SQLite file of this instance's own.</summary>
    public TestDatabase Database { get; } = database ?? TestDatabase.Sqlite("tests");

    public string DatabasePath => Database.SqlitePath ?? throw new InvalidOperationException("This instance's accounts database is PostgreSQL, not a file.");

    public TestLogSink Logs { get; } = new();

    /// <summary>Where this instance writes mail while no mail server is set (a temp folder of its own, deleted with it).</summary>
    public string MailPickupDirectory { get; } = TestHost.NewMailPickupDirectory();

    /// <summary>The .eml files in <see cref="MailPickupDirectory"/>, parsed.</summary>
    public IReadOnlyList<MimeKit.MimeMessage> PickedUpMail => MailPickup.Read(MailPickupDirectory);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        TestHost.Configure(builder, Database.SqlitePath ?? "", redisConnectionString);
        builder.UseSetting("Accounts:Provider", Database.Provider.ToString());
        builder.UseSetting("ConnectionStrings:Accounts", Database.ConnectionString);
        builder.UseSetting("Hosting:InstanceName", "test-instance");
        // Point it at a mail server with TestSmtpServer.Settings(); the settings below come last and win.
        builder.UseSetting("Email:PickupDirectory", MailPickupDirectory);
        // Every test client shares one address; the rate limit has its own tests with a low limit.
        builder.UseSetting("AccountEndpoints:PermitLimit", "100000");
        // A 2-core CI machine running tests in parallel can stall a healthy Redis call past the
        // product's 1 s; the outage tests, which time the 503, set the product's value themselves.
        builder.UseSetting("Redis:OperationTimeout", "00:00:05");
        // Likewise a burst of password hashes (a registration race: every loser hashes too, so its time tells nothing)
        // queues past the product's 10 s there; the tests of the queue's 503 set their own.
        builder.UseSetting("Accounts:Passwords:HashQueueTimeout", "00:01:00");
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

    /// <summary>A client that presents the given session cookie value, as a copied or forged cookie would be.</summary>
    public AppClient CreateClientCarrying(string sessionCookieValue)
    {
        var client = CreateAppClient();
        client.Http.DefaultRequestHeaders.TryAddWithoutValidation("Cookie", $"{AppClient.SessionCookieName}={sessionCookieValue}");
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDatabase)
        {
            await Database.DisposeAsync();
        }

        MailPickup.Delete(MailPickupDirectory);
    }
}
