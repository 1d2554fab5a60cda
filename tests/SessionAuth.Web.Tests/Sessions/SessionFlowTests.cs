using System.Net;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Sessions;

/// <summary>The session flow end to end, against a real redis-server and a real SQLite file.</summary>
public class SessionFlowTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    private readonly SessionAuthApplication _app = fixture.App;
    private readonly RedisServer _redis = fixture.Redis;

    [Fact]
    public async Task SigningInGoesToTheDashboardWhichShowsTheEmailAndTheServingInstance()
    {
        using var client = _app.CreateAppClient();
        var email = Emails.Unique("dash");
        Assert.Equal(HttpStatusCode.Redirect, (await client.RegisterAsync(email)).StatusCode);

        var login = await client.LoginAsync(email, returnUrl: "/Dashboard");
        var dashboard = await client.GetAsync("/Dashboard");

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/Dashboard", login.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        var html = await AppClient.BodyAsync(dashboard);
        Assert.Contains($"data-testid=\"dashboard-email\">{email}<", html, StringComparison.Ordinal);
        Assert.Contains("test-instance", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSessionCookieIsASmallSignedIdThatCarriesNoUserData()
    {
        using var client = _app.CreateAppClient();
        var email = Emails.Unique("opaque");
        await client.RegisterAsync(email);

        var login = await client.LoginAsync(email);

        var setCookie = AppClient.SetCookie(login, AppClient.SessionCookieName)!;
        var nameValue = setCookie.Split(';')[0];
        Assert.True(nameValue.Length <= 128, $"Cookie name=value is {nameValue.Length} bytes: {nameValue}");
        Assert.Matches("^__Host-session=[A-Za-z0-9_-]{28}\\.[A-Za-z0-9_-]{22}$", nameValue);
        Assert.DoesNotContain("example.com", setCookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheSessionCookieIsHttpOnlySecureLaxAndHostOnly()
    {
        using var client = _app.CreateAppClient();
        var email = Emails.Unique("attributes");
        await client.RegisterAsync(email);

        var login = await client.LoginAsync(email);

        var attributes = AppClient.SetCookie(login, AppClient.SessionCookieName)!
            .Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant()).ToList();
        Assert.Contains("httponly", attributes);
        Assert.Contains("secure", attributes);
        Assert.Contains("samesite=lax", attributes);
        Assert.Contains("path=/", attributes);
        Assert.DoesNotContain(attributes, a => a.StartsWith("domain=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SigningInStoresTheSessionInRedisWithTheIdleTimeoutAsItsTtl()
    {
        using var client = _app.CreateAppClient();
        var email = Emails.Unique("record");

        var cookie = await client.RegisterAndLoginAsync(email);

        var key = SessionKeys.For(cookie);
        var record = (string?)await _redis.Db.StringGetAsync(key);
        Assert.NotNull(record);
        Assert.Contains(email, record, StringComparison.Ordinal);
        var ttl = await _redis.Db.KeyTimeToLiveAsync(key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(19), TimeSpan.FromMinutes(20));
    }

    [Fact]
    public async Task CookieSizeDoesNotGrowWithTheUsersData()
    {
        using var shortClient = _app.CreateAppClient();
        using var longClient = _app.CreateAppClient();

        var shortCookie = await shortClient.RegisterAndLoginAsync($"a{Guid.NewGuid():N}@x.io");
        var longCookie = await longClient.RegisterAndLoginAsync($"{new string('l', 60)}{Guid.NewGuid():N}@{new string('d', 60)}.example.com");

        Assert.Equal(shortCookie.Length, longCookie.Length);
    }

    [Fact]
    public async Task LogoutDeletesTheSessionInRedisAndTheOldCookieIsAnonymousAtOnce()
    {
        using var client = _app.CreateAppClient();
        var cookie = await client.RegisterAndLoginAsync(Emails.Unique("logout"));
        var key = SessionKeys.For(cookie);
        Assert.True(await _redis.Db.KeyExistsAsync(key));

        var logout = await client.LogoutAsync();

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.StartsWith("/Account/Login", logout.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.False(await _redis.Db.KeyExistsAsync(key));
        var cleared = AppClient.SetCookie(logout, AppClient.SessionCookieName);
        Assert.NotNull(cleared);
        Assert.Contains("expires=Thu, 01 Jan 1970", cleared, StringComparison.OrdinalIgnoreCase);

        using var replay = _app.CreateClientCarrying(cookie);
        var replayed = await replay.GetAsync("/Dashboard");
        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        Assert.Equal("/Account/Login?ReturnUrl=%2FDashboard", replayed.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task LoginWhileCarryingASessionIssuesANewIdAndEndsTheOldOne()
    {
        using var client = _app.CreateAppClient();
        var email = Emails.Unique("fixation");
        var first = await client.RegisterAndLoginAsync(email);

        var second = AppClient.SessionCookieValue(await client.LoginAsync(email));

        Assert.NotNull(second);
        Assert.NotEqual(first, second);
        Assert.False(await _redis.Db.KeyExistsAsync(SessionKeys.For(first)));
        Assert.True(await _redis.Db.KeyExistsAsync(SessionKeys.For(second)));
        var index = await _redis.Db.SetMembersAsync(await UserIndexKeyFor(second));
        Assert.True(SessionId.TryParse(second.Split('.')[0], out var secondId));
        Assert.Equal([secondId.Handle.Value], index.Select(v => (string)v!).ToArray());
    }

    [Fact]
    public async Task AnonymousRequestToAProtectedPageRedirectsToLoginAndLoginReturnsThere()
    {
        using var client = _app.CreateAppClient();
        var email = Emails.Unique("return");
        await client.RegisterAsync(email);

        var anonymous = await client.GetAsync("/Dashboard?tab=1");
        var login = await client.LoginAsync(email, returnUrl: "/Dashboard?tab=1");

        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Equal("/Account/Login?ReturnUrl=%2FDashboard%3Ftab%3D1", anonymous.Headers.Location?.OriginalString);
        Assert.Equal("/Dashboard?tab=1", login.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task LoginWithoutAReturnUrlLandsOnTheDashboard()
    {
        using var client = _app.CreateAppClient();
        var email = Emails.Unique("landing");
        await client.RegisterAsync(email);

        var login = await client.LoginAsync(email);

        Assert.Equal("/Dashboard", login.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("javascript:alert(1)")]
    [InlineData("http:/evil.example")]
    [InlineData("\\\\evil.example")]
    public async Task ReturnUrlOffSiteFallsBackToHome(string returnUrl)
    {
        using var client = _app.CreateAppClient();
        var email = Emails.Unique("redirect");
        await client.RegisterAsync(email);

        var login = await client.LoginAsync(email, returnUrl: returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/", login.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task LoginPostWithoutAntiforgeryTokenIs400AndCreatesNoSession()
    {
        using var client = _app.CreateAppClient();
        var email = Emails.Unique("csrf");
        await client.RegisterAsync(email);
        await client.GetAsync("/Account/Login"); // has the antiforgery cookie, like a victim's browser

        var response = await client.Http.PostAsync("/Account/Login", new FormUrlEncodedContent(
            [new("Input.Email", email), new("Input.Password", AppClient.Password)]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(AppClient.SetCookie(response, AppClient.SessionCookieName));
    }

    [Fact]
    public async Task LogoutPostWithoutAntiforgeryTokenIs400AndTheSessionLives()
    {
        using var client = _app.CreateAppClient();
        var cookie = await client.RegisterAndLoginAsync(Emails.Unique("csrf-logout"));

        var response = await client.Http.PostAsync("/Account/Logout", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(await _redis.Db.KeyExistsAsync(SessionKeys.For(cookie)));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Dashboard")).StatusCode);
    }

    [Fact]
    public async Task GetLogoutOnlyAsksAndDoesNotSignOut()
    {
        using var client = _app.CreateAppClient();
        var cookie = await client.RegisterAndLoginAsync(Emails.Unique("get-logout"));

        var response = await client.GetAsync("/Account/Logout");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<form method=\"post\"", await AppClient.BodyAsync(response), StringComparison.Ordinal);
        Assert.True(await _redis.Db.KeyExistsAsync(SessionKeys.For(cookie)));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Dashboard")).StatusCode);
    }

    [Theory]
    [InlineData("__HOST-session")]
    [InlineData("__host-session")]
    [InlineData("__Host-Session")]
    public async Task TheSessionCookieCountsOnlyUnderItsExactName(string otherCase)
    {
        using var owner = _app.CreateAppClient();
        var cookie = await owner.RegisterAndLoginAsync(Emails.Unique("cookie-case"));
        using var exact = _app.CreateAppClient();
        exact.Http.DefaultRequestHeaders.TryAddWithoutValidation("Cookie", $"{AppClient.SessionCookieName}={cookie}");
        using var renamed = _app.CreateAppClient();
        // The __Host- prefix is what stops a sibling subdomain from planting a session cookie; a name
        // that differs only in case does not carry that promise in every browser, so it is not read.
        renamed.Http.DefaultRequestHeaders.TryAddWithoutValidation("Cookie", $"{otherCase}={cookie}");

        var asExact = await exact.GetAsync("/Dashboard");
        var asRenamed = await renamed.GetAsync("/Dashboard");

        Assert.Equal(HttpStatusCode.OK, asExact.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, asRenamed.StatusCode);
    }

    [Theory]
    [InlineData("tampered-mac")]
    [InlineData("tampered-id")]
    [InlineData("truncated")]
    [InlineData("foreign")]
    [InlineData("garbage")]
    [InlineData("empty")]
    public async Task ATamperedTruncatedOrForeignCookieIsAnonymousNotAnError(string kind)
    {
        using var owner = _app.CreateAppClient();
        var cookie = await owner.RegisterAndLoginAsync(Emails.Unique("tamper"));
        var bad = kind switch
        {
            "tampered-mac" => cookie[..^1] + (cookie[^1] == 'A' ? 'B' : 'A'),
            "tampered-id" => cookie[..5] + (cookie[5] == 'A' ? 'B' : 'A') + cookie[6..],
            "truncated" => cookie[..^3],
            // A well-formed value signed with a key this app does not have.
            "foreign" => "AAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA",
            "garbage" => "%00%ff<script>" + new string('x', 3000),
            _ => "",
        };

        using var attacker = _app.CreateClientCarrying(bad);
        var dashboard = await attacker.GetAsync("/Dashboard");
        var home = await attacker.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, dashboard.StatusCode);
        Assert.StartsWith("/Account/Login", dashboard.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.DoesNotContain("Signed in as", await AppClient.BodyAsync(home), StringComparison.Ordinal);
        Assert.Empty(_app.Logs.UnhandledExceptions);
    }

    [Fact]
    public async Task KeepMeSignedInGivesTheSessionThePersistentIdleTtlAndACookieEndingAtThePersistentAbsoluteExpiry()
    {
        using var browserClient = _app.CreateAppClient();
        using var persistentClient = _app.CreateAppClient();
        var email = Emails.Unique("remember");
        await browserClient.RegisterAsync(email);

        var browserSession = await browserClient.LoginAsync(email);
        var persistent = await persistentClient.LoginAsync(email, rememberMe: true);
        // A request on each: the per-request GETEX slides each session by its own idle timeout.
        Assert.Equal(HttpStatusCode.OK, (await browserClient.GetAsync("/Dashboard")).StatusCode);
        var sessionsPage = await AppClient.BodyAsync(await persistentClient.GetAsync("/Account/Sessions"));
        var dashboard = await AppClient.BodyAsync(await persistentClient.GetAsync("/Dashboard"));

        // Unticked: a browser-session cookie and the 20-minute idle TTL, as before.
        Assert.DoesNotContain("expires=", AppClient.SetCookie(browserSession, AppClient.SessionCookieName), StringComparison.OrdinalIgnoreCase);
        var browserTtl = await _redis.Db.KeyTimeToLiveAsync(SessionKeys.For(CookieValue(browserSession)));
        Assert.InRange(browserTtl!.Value, TimeSpan.FromMinutes(19), TimeSpan.FromMinutes(20));

        // Ticked: 14 days idle in Redis, and the cookie (and the session) ends 30 days after sign-in.
        var persistentTtl = await _redis.Db.KeyTimeToLiveAsync(SessionKeys.For(CookieValue(persistent)));
        Assert.InRange(persistentTtl!.Value, TimeSpan.FromDays(14) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(14));
        var expires = AppClient.SetCookie(persistent, AppClient.SessionCookieName)!.Split(';')
            .Select(p => p.Trim()).Single(p => p.StartsWith("expires=", StringComparison.OrdinalIgnoreCase))["expires=".Length..];
        var expiresAt = DateTimeOffset.Parse(expires, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromDays(30) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(30));

        // The sessions page and the dashboard say when the persistent session ends if unused: 14 days from now.
        var endsOn = (DateTimeOffset.UtcNow + TimeSpan.FromDays(14)).UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(endsOn, sessionsPage, StringComparison.Ordinal);
        Assert.Contains(endsOn, dashboard, StringComparison.Ordinal);
    }

    private static string CookieValue(HttpResponseMessage login) =>
        AppClient.SetCookie(login, AppClient.SessionCookieName)!.Split(';')[0].Split('=', 2)[1];

    [Fact]
    public async Task StaticFilesAndAnonymousPagesCostNoRedisLookups()
    {
        using var client = _app.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("static"));
        var before = await _redis.CommandCallsAsync();

        var css = await client.GetAsync("/css/site.css");

        var after = await _redis.CommandCallsAsync();
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal(before.GetValueOrDefault("getex"), after.GetValueOrDefault("getex"));
    }

    private async Task<string> UserIndexKeyFor(string cookieValue)
    {
        var record = (string?)await _redis.Db.StringGetAsync(SessionKeys.For(cookieValue));
        var userId = System.Text.Json.JsonDocument.Parse(record!).RootElement.GetProperty("userId").GetString();
        return $"sa:{{{cookieValue[..4]}}}:u:{userId}";
    }
}
