using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Pages;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Sessions;

/// <summary>The scheme is registered like the framework's own: AddServerSession with one options type.</summary>
public sealed class ServerSessionSchemeTests
{
    [Fact]
    public async Task TheAppsDefaultSchemeIsTheServerSessionWithTheLoginPageFromAppRoutes()
    {
        await using var app = new SessionAuthApplication(redisConnectionString: null);

        var schemes = app.Services.GetRequiredService<IAuthenticationSchemeProvider>();
        var scheme = await schemes.GetDefaultAuthenticateSchemeAsync();
        var challenge = await schemes.GetDefaultChallengeSchemeAsync();
        var options = app.Services.GetRequiredService<IOptionsMonitor<ServerSessionSchemeOptions>>().Get(ServerSessionDefaults.Scheme);

        Assert.Equal(ServerSessionDefaults.Scheme, scheme?.Name);
        Assert.Equal(typeof(ServerSessionHandler), scheme?.HandlerType);
        Assert.Equal(ServerSessionDefaults.Scheme, challenge?.Name);
        Assert.Equal(AppRoutes.Login, options.LoginPath.Value);
        Assert.Equal("ReturnUrl", options.ReturnUrlParameter);
    }

    [Fact]
    public async Task TheSchemeTakesItsCookieNameAndPersistentAbsoluteTimeoutFromTheSessionsSettings()
    {
        // A "Keep me signed in" cookie expires with its session, after Sessions:PersistentAbsoluteTimeout.
        await using var app = new SessionAuthApplication(redisConnectionString: null, new Dictionary<string, string?>
        {
            ["Sessions:CookieName"] = "sid",
            ["Sessions:PersistentIdleTimeout"] = "01:00:00",
            ["Sessions:PersistentAbsoluteTimeout"] = "02:00:00",
        });
        using var client = app.CreateAppClient();
        var email = Emails.Unique("scheme-settings");
        await client.RegisterAsync(email);

        var login = await client.LoginAsync(email, rememberMe: true);
        var dashboard = await client.GetAsync(AppRoutes.Dashboard);

        var cookie = AppClient.SetCookie(login, "sid");
        Assert.NotNull(cookie);
        Assert.Null(AppClient.SetCookie(login, AppClient.SessionCookieName));
        var expires = cookie.Split(';').Select(p => p.Trim()).Single(p => p.StartsWith("expires=", StringComparison.OrdinalIgnoreCase))["expires=".Length..];
        var expiresAt = DateTimeOffset.Parse(expires, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromHours(1.9), TimeSpan.FromHours(2));
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
    }

    [Fact]
    public async Task ASecondSchemeCanBeAddedBesideTheSessionWithItsOwnOptions()
    {
        var services = new ServiceCollection();
        services.AddAuthentication(ServerSessionDefaults.Scheme)
            .AddServerSession(o => o.LoginPath = "/login")
            .AddServerSession("Other", o =>
            {
                o.LoginPath = "/other-login";
                o.CookieName = "other";
            });
        await using var provider = services.BuildServiceProvider();

        var schemes = provider.GetRequiredService<IAuthenticationSchemeProvider>();
        var monitor = provider.GetRequiredService<IOptionsMonitor<ServerSessionSchemeOptions>>();

        Assert.Equal([ServerSessionDefaults.Scheme, "Other"], (await schemes.GetAllSchemesAsync()).Select(s => s.Name).ToArray());
        Assert.Equal("/login", monitor.Get(ServerSessionDefaults.Scheme).LoginPath.Value);
        Assert.Equal(ServerSessionDefaults.CookieName, monitor.Get(ServerSessionDefaults.Scheme).CookieName);
        Assert.Equal("/other-login", monitor.Get("Other").LoginPath.Value);
        Assert.Equal("other", monitor.Get("Other").CookieName);
    }

    [Fact]
    public async Task ASchemeWithoutALoginPathIsRefused()
    {
        var services = new ServiceCollection();
        services.AddAuthentication().AddServerSession();
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() =>
            provider.GetRequiredService<IOptionsMonitor<ServerSessionSchemeOptions>>().Get(ServerSessionDefaults.Scheme));

        Assert.Contains("LoginPath", error.Message, StringComparison.Ordinal);
    }
}
