using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Browser.Tests.Infrastructure;

/// <summary>
/// The real app on real Kestrel, serving HTTPS on a free loopback port, pointed at a real Redis and a
/// fresh SQLite file. Runs as "Testing", so the cookies are as hardened as in production
/// (__Host- names, Secure) and a browser has to speak HTTPS to sign in.
/// </summary>
public sealed class KestrelApplication : WebApplicationFactory<Program>
{
    private readonly string _redisConnectionString;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly X509Certificate2 _certificate = TestCertificate.Create();

    private readonly bool _plainHttp;

    /// <param name="settings">Configuration on top of the test host's ("Section:Key" names), for a test that needs its own.</param>
    /// <param name="plainHttp">
    /// Plain http on http://localhost:port, with unprefixed, non-Secure cookies (as in Development). WebAuthn needs
    /// a secure context with a domain for its relying party: localhost is one, 127.0.0.1 is no domain, and Chromium
    /// refuses WebAuthn on a page whose certificate it had to ignore.
    /// </param>
    public KestrelApplication(string redisConnectionString, IReadOnlyDictionary<string, string>? settings = null, bool plainHttp = false)
    {
        _redisConnectionString = redisConnectionString;
        _plainHttp = plainHttp;
        var merged = new Dictionary<string, string>(settings ?? new Dictionary<string, string>());
        // Chromium, the test process and Redis share the CI machine's two cores, and a journey stalls behind a
        // screenshot now and then: the product's 1 s fail-fast budget is the web tests' to check (Hosting,
        // Faults), and a journey that is answered "unavailable" because a core was busy tests nothing.
        merged.TryAdd("Redis:OperationTimeout", "00:00:05");
        if (plainHttp)
        {
            merged.TryAdd("Sessions:SecureCookies", "false");
            merged.TryAdd("Sessions:CookieName", "session");
            UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        }
        else
        {
            UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(_certificate)));
        }

        _settings = merged;
    }

    public string DatabasePath { get; } = TestHost.NewDatabasePath("browser");

    /// <summary>Where this app writes its mail (no mail server): a journey reads its links and notices here.</summary>
    public string MailPickupDirectory { get; } = TestHost.NewMailPickupDirectory();

    /// <summary>Where Kestrel listens, e.g. https://127.0.0.1:41234 (plain http: http://localhost:41234), known once <see cref="Start"/> has run.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public void Start()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("Kestrel reported no addresses.");
        var listening = new Uri(addresses.Single(a => a.StartsWith(_plainHttp ? "http://" : "https://", StringComparison.Ordinal)));
        BaseAddress = _plainHttp ? new UriBuilder(listening) { Host = "localhost" }.Uri : listening;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        TestHost.Configure(builder, DatabasePath, _redisConnectionString);
        builder.UseSetting("Email:PickupDirectory", MailPickupDirectory);
        if (AppLogFile.Path is { } logPath)
        {
            var name = $"app-{Guid.NewGuid():N}"[..12];
            builder.ConfigureLogging(logging => logging.AddProvider(new AppLogFile(logPath, name)));
        }

        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _certificate.Dispose();
        TestHost.DeleteDatabase(DatabasePath);
        MailPickup.Delete(MailPickupDirectory);
    }
}
