using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
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

    /// <param name="settings">Configuration on top of the test host's ("Section:Key" names), for a test that needs its own.</param>
    public KestrelApplication(string redisConnectionString, IReadOnlyDictionary<string, string>? settings = null)
    {
        _redisConnectionString = redisConnectionString;
        _settings = settings ?? new Dictionary<string, string>();
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(_certificate)));
    }

    public string DatabasePath { get; } = TestHost.NewDatabasePath("browser");

    /// <summary>Where Kestrel listens, e.g. https://127.0.0.1:41234, known once <see cref="Start"/> has run.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public void Start()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("Kestrel reported no addresses.");
        BaseAddress = new Uri(addresses.Single(a => a.StartsWith("https://", StringComparison.Ordinal)));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        TestHost.Configure(builder, DatabasePath, _redisConnectionString);
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
    }
}
