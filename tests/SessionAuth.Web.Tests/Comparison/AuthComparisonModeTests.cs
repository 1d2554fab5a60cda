using System.Net;
using SessionAuth.Web.Sessions.Comparison;
using SessionAuth.Web.Tests.Infrastructure;
using StackExchange.Redis;

namespace SessionAuth.Web.Tests.Comparison;

/// <summary>One app per Benchmark:AuthMode, all on one real Redis, so the benchmark's modes cannot rot.</summary>
public sealed class AuthComparisonModesFixture : IAsyncLifetime
{
    private readonly Dictionary<AuthComparisonMode, SessionAuthApplication> _apps = [];

    public RedisServer Redis { get; private set; } = null!;

    public SessionAuthApplication App(AuthComparisonMode mode) => _apps[mode];

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        foreach (var mode in Enum.GetValues<AuthComparisonMode>())
        {
            var app = new SessionAuthApplication(Redis.ConnectionString, new Dictionary<string, string?>
            {
                ["Benchmark:AuthMode"] = mode.ToString(),
                ["Sessions:KeyPrefix"] = $"cmp-{mode}",
            });
            _ = app.Server;
            _apps[mode] = app;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _apps.Values)
        {
            await app.DisposeAsync();
        }

        await Redis.DisposeAsync();
    }
}

public sealed class AuthComparisonModeTests(AuthComparisonModesFixture fixture) : IClassFixture<AuthComparisonModesFixture>
{
    private const string ProbePath = "/bench/me";

    [Theory]
    [InlineData(AuthComparisonMode.ServerSession)]
    [InlineData(AuthComparisonMode.StatelessCookie)]
    [InlineData(AuthComparisonMode.DistributedSession)]
    public async Task EachModeSignsInThroughTheFormAndOpensTheProbePageUntilSignOut(AuthComparisonMode mode)
    {
        var app = fixture.App(mode);
        using var client = app.CreateAppClient();
        using var anonymous = app.CreateAppClient();
        var email = Emails.Unique($"mode-{mode}".ToLowerInvariant());
        Assert.Equal(HttpStatusCode.Redirect, (await client.RegisterAsync(email)).StatusCode);

        var login = await client.LoginAsync(email);
        var probe = await client.GetAsync(ProbePath);
        var anonymousProbe = await anonymous.GetAsync(ProbePath);
        var logout = await client.LogoutAsync();
        var afterLogout = await client.GetAsync(ProbePath);

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/Dashboard", login.Headers.Location?.OriginalString);
        Assert.NotNull(AppClient.SessionCookieValue(login));
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        Assert.Contains($"Signed in as {email}", await AppClient.BodyAsync(probe), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, anonymousProbe.StatusCode);
        // The stock cookie handler writes an absolute URL; the session handlers a relative one.
        Assert.EndsWith("/Account/Login?ReturnUrl=%2Fbench%2Fme", anonymousProbe.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, afterLogout.StatusCode);
    }

    [Fact]
    public async Task ServerSessionModeIsTheProductAndItsDashboardWorks()
    {
        using var client = fixture.App(AuthComparisonMode.ServerSession).CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("mode-product"));

        var dashboard = await client.GetAsync("/Dashboard");

        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
    }

    [Fact]
    public async Task StatelessCookieModeCarriesTheUserInTheCookieAndKeepsNothingInRedis()
    {
        using var client = fixture.App(AuthComparisonMode.StatelessCookie).CreateAppClient();

        var cookie = await client.RegisterAndLoginAsync(Emails.Unique("mode-stateless"));

        Assert.True(cookie.Length > 200, $"A whole ticket should be far longer than an id: {cookie.Length} characters.");
        Assert.Empty(await KeysAsync("cmp-StatelessCookie:*:s:*"));
        Assert.Empty(await KeysAsync("cmp-StatelessCookie:aspnet-session:*"));
    }

    [Fact]
    public async Task DistributedSessionModeKeepsTheUserInAspNetSessionInRedis()
    {
        using var client = fixture.App(AuthComparisonMode.DistributedSession).CreateAppClient();
        var email = Emails.Unique("mode-distributed");

        await client.RegisterAndLoginAsync(email);

        var keys = await KeysAsync("cmp-DistributedSession:aspnet-session:*");
        var data = await Task.WhenAll(keys.Select(key => fixture.Redis.Db.HashGetAsync(key, "data")));
        Assert.Contains(data, value => ((string?)value)?.Contains(email, StringComparison.Ordinal) == true);
        Assert.Empty(await KeysAsync("cmp-DistributedSession:*:s:*"));
    }

    [Fact]
    public void AnUnknownModeStopsStartUpAndNamesTheSetting()
    {
        using var app = new SessionAuthApplication(fixture.Redis.ConnectionString, new Dictionary<string, string?> { ["Benchmark:AuthMode"] = "Cookieless" });

        var error = Assert.ThrowsAny<Exception>(() => app.Server);

        Assert.Contains("Benchmark:AuthMode", error.ToString(), StringComparison.Ordinal);
    }

    private async Task<RedisKey[]> KeysAsync(string pattern) =>
        await fixture.Redis.Admin.GetServer(fixture.Redis.ConnectionString).KeysAsync(pattern: pattern).ToArrayAsync();
}
