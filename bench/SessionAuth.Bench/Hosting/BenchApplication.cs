using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Bench.Hosting;

/// <summary>
/// The real app (its own Program, configuration and pipeline) on Kestrel, in Production, with the
/// authentication handler of one mode behind the app's own scheme name and the probe page added.
/// Settings come from the environment, as for `dotnet SessionAuth.Web.dll`.
/// </summary>
internal sealed class BenchApplication : WebApplicationFactory<Program>
{
    private readonly AuthMode _mode;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly bool _listens;

    /// <param name="mode">Which authentication handler serves the app's scheme.</param>
    /// <param name="port">Kestrel's loopback port; null for the app's services only (in-memory TestServer).</param>
    /// <param name="settings">Configuration on top of the environment's ("Section:Key" names).</param>
    public BenchApplication(AuthMode mode, int? port, IReadOnlyDictionary<string, string>? settings = null)
    {
        _mode = mode;
        _settings = settings ?? new Dictionary<string, string>();
        _listens = port is not null;
        if (port is { } listen)
        {
            UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, listen));
        }
    }

    /// <summary>
    /// Swaps the handler behind the app's scheme ("ServerSession") for another: the app's pages,
    /// policies and sign-in calls keep naming that scheme and now reach the comparison design.
    /// </summary>
    public static void ReplaceHandler<THandler>(IServiceCollection services, string scheme)
        where THandler : class, IAuthenticationHandler
    {
        services.AddTransient<THandler>();
        services.Configure<AuthenticationOptions>(options =>
        {
            var builder = options.SchemeMap.TryGetValue(scheme, out var existing)
                ? existing
                : throw new InvalidOperationException($"The app registers no authentication scheme named {scheme}.");
            builder.HandlerType = typeof(THandler);
        });
    }

    /// <summary>
    /// The app's project folder (appsettings.json, wwwroot), from the manifest Mvc.Testing writes
    /// beside this program; WebApplicationFactory looks for it in the working directory only.
    /// </summary>
    private static string AppContentRoot()
    {
        var manifest = Path.Combine(AppContext.BaseDirectory, "MvcTestingAppManifest.json");
        var roots = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(manifest)) ?? [];
        return roots.FirstOrDefault(r => r.Key.StartsWith(typeof(Program).Assembly.GetName().Name + ",", StringComparison.Ordinal)).Value
            ?? throw new InvalidOperationException($"{manifest} does not name the app's content root.");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // As in production; WebApplicationFactory would otherwise choose Development.
        builder.UseEnvironment(Environments.Production);
        builder.UseContentRoot(AppContentRoot());
        // No file watchers on appsettings*.json: each would take an inotify instance (128 per user).
        builder.UseSetting("hostBuilder:reloadConfigOnChange", "false");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (!_listens)
        {
            // Services only, in the bench's own process: the bench reports, the app stays quiet.
            builder.ConfigureLogging(logging => logging.ClearProviders());
        }

        builder.ConfigureTestServices(services =>
        {
            services.AddTransient<IStartupFilter, ProbePage>();
            switch (_mode)
            {
                case AuthMode.StatelessCookie:
                    StatelessCookieMode.Configure(services, ServerSessionDefaults.Scheme);
                    break;
                case AuthMode.DistributedSession:
                    DistributedSessionMode.Configure(services, ServerSessionDefaults.Scheme);
                    break;
            }
        });
    }
}
