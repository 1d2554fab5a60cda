using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using SessionAuth.Web.Pages.Account;
using SessionAuth.Web.Tests.Infrastructure;
using SessionAuth.Web.Tests.Tokens;
using SessionAuth.Web.Tokens;

namespace SessionAuth.Web.Tests.Pages;

/// <summary>A redis-server and an app with Tokens:CheckRevocation on, so an ended grant's access token stops at once too.</summary>
public sealed class CheckedRevocationFixture : IAsyncLifetime
{
    private RedisAppPair _pair = null!;

    public SessionAuthApplication App => _pair.App;

    public async Task InitializeAsync() =>
        _pair = await RedisAppPair.StartAsync(new Dictionary<string, string?> { ["Tokens:CheckRevocation"] = "true" });

    public async Task DisposeAsync() => await _pair.DisposeAsync();
}

/// <summary>
/// One device list: the API grants of a user are rows of /Account/Sessions beside the browser sessions,
/// ended from there, and by everything that ends all sessions. Through HTTP, real Redis and SQLite.
/// </summary>
public sealed partial class DeviceListTests(CheckedRevocationFixture fixture) : IClassFixture<CheckedRevocationFixture>
{
    private readonly SessionAuthApplication _app = fixture.App;

    [Fact]
    public async Task AnApiGrantIsARowSayingApiClientWithItsBrowserAddressCreatedAndLastRefreshed()
    {
        var email = Emails.Unique("grant-row");
        using var browser = await SignedInBrowserAsync(email);

        await GetTokensAsync(email, SessionsPage.ChromeOnAndroid);

        var rows = await SessionsPage.RowsAsync(browser);
        Assert.Equal(2, rows.Count);
        var grant = Assert.Single(rows, r => r.Html.Contains(SessionsModel.ApiClient, StringComparison.Ordinal));
        var session = Assert.Single(rows, r => !r.Html.Contains(SessionsModel.ApiClient, StringComparison.Ordinal));
        Assert.Same(grant, rows[0]); // newest first, whichever flow it came through
        Assert.Contains("Chrome 131 on Android", grant.Html, StringComparison.Ordinal);
        Assert.Contains("(last refreshed)", grant.Html, StringComparison.Ordinal);
        Assert.Equal(3, TimeElement().Count(grant.Html)); // created, last refreshed, ends at
        Assert.False(grant.IsCurrent);
        Assert.True(session.IsCurrent);
        // A grant handle (20 characters) can never be taken for a session handle (43), or the other way round.
        Assert.Equal(GrantHandle.Length, grant.Handle?.Length);
        Assert.True(GrantHandle.TryParse(grant.Handle, out _));
    }

    [Fact]
    public async Task RevokingAGrantOnTheSessionsPageStopsItsRefreshAndItsAccessTokenAtOnce()
    {
        var email = Emails.Unique("grant-revoke");
        using var browser = await SignedInBrowserAsync(email);
        var tokens = await GetTokensAsync(email, SessionsPage.ChromeOnAndroid);
        var api = _app.CreateApiClient();
        Assert.Equal(HttpStatusCode.OK, (await api.GetMeAsync(tokens.AccessToken)).StatusCode);
        var grant = (await SessionsPage.RowsAsync(browser)).Single(r => r.Handle is not null);

        var revoke = await SessionsPage.PostAsync(browser, "Revoke", grant.Handle);

        var after = await SessionsPage.FollowAsync(browser, revoke);
        Assert.Equal("1 session ended.", SessionsPage.Confirmation(after));
        Assert.True(Assert.Single(SessionsPage.Rows(after)).IsCurrent);
        await TokenClient.AssertProblemAsync(await api.RefreshAsync(tokens.RefreshToken), HttpStatusCode.Unauthorized);
        var me = await api.GetMeAsync(tokens.AccessToken);
        await TokenClient.AssertProblemAsync(me, HttpStatusCode.Unauthorized);
        Assert.Contains("error=\"invalid_token\"", TokenClient.Challenge(me)?.Parameter, StringComparison.Ordinal);
        Assert.Contains("SessionRevoked", SessionsPage.ActivityKinds(after));
        Assert.Contains("ended API client Chrome 131 on Android, ", after, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/Dashboard")).StatusCode);
    }

    [Fact]
    public async Task SignOutAllOtherSessionsEndsTheApiGrantsToo()
    {
        var email = Emails.Unique("grant-others");
        using var browser = await SignedInBrowserAsync(email);
        using var phone = SessionsPage.ClientAs(_app, SessionsPage.ChromeOnAndroid);
        Assert.Equal(HttpStatusCode.Redirect, (await phone.LoginAsync(email)).StatusCode);
        var first = await GetTokensAsync(email);
        var second = await GetTokensAsync(email);
        Assert.Equal(4, (await SessionsPage.RowsAsync(browser)).Count);

        var others = await SessionsPage.PostAsync(browser, "RevokeOthers");

        var after = await SessionsPage.FollowAsync(browser, others);
        Assert.Equal("3 sessions ended.", SessionsPage.Confirmation(after));
        Assert.True(Assert.Single(SessionsPage.Rows(after)).IsCurrent);
        var api = _app.CreateApiClient();
        await TokenClient.AssertProblemAsync(await api.RefreshAsync(first.RefreshToken), HttpStatusCode.Unauthorized);
        await TokenClient.AssertProblemAsync(await api.RefreshAsync(second.RefreshToken), HttpStatusCode.Unauthorized);
        await TokenClient.AssertProblemAsync(await api.GetMeAsync(second.AccessToken), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Redirect, (await phone.GetAsync("/Dashboard")).StatusCode);
    }

    [Fact]
    public async Task APasswordChangeEndsTheApiGrants()
    {
        var email = Emails.Unique("grant-password");
        using var browser = await SignedInBrowserAsync(email);
        var tokens = await GetTokensAsync(email);
        var userId = new JsonWebToken(tokens.AccessToken).Subject;

        var change = await AccountForms.ChangePasswordAsync(browser, AppClient.Password, "a brand new passphrase for me");

        Assert.Equal(HttpStatusCode.Redirect, change.StatusCode);
        var api = _app.CreateApiClient();
        await TokenClient.AssertProblemAsync(await api.RefreshAsync(tokens.RefreshToken), HttpStatusCode.Unauthorized);
        await TokenClient.AssertProblemAsync(await api.GetMeAsync(tokens.AccessToken), HttpStatusCode.Unauthorized);
        Assert.Empty(await Grants.ListByUserAsync(userId));
        Assert.True(Assert.Single(await SessionsPage.RowsAsync(browser)).IsCurrent);
    }

    [Fact]
    public async Task AccountDeletionEndsTheApiGrants()
    {
        var email = Emails.Unique("grant-delete");
        using var browser = await SignedInBrowserAsync(email);
        var tokens = await GetTokensAsync(email);
        var userId = new JsonWebToken(tokens.AccessToken).Subject;

        var delete = await browser.SubmitAsync("/Account/Delete", [new("Input.Password", AppClient.Password)]);

        Assert.Equal(HttpStatusCode.Redirect, delete.StatusCode);
        Assert.Empty(await AccountsDb.UsersWithEmailAsync(_app, email));
        var api = _app.CreateApiClient();
        await TokenClient.AssertProblemAsync(await api.RefreshAsync(tokens.RefreshToken), HttpStatusCode.Unauthorized);
        await TokenClient.AssertProblemAsync(await api.GetMeAsync(tokens.AccessToken), HttpStatusCode.Unauthorized);
        Assert.Empty(await Grants.ListByUserAsync(userId));
    }

    [Fact]
    public async Task AnotherUsersGrantHandleChangesNothingAndSaysSo()
    {
        var victimEmail = Emails.Unique("grant-victim");
        using var victimBrowser = await SignedInBrowserAsync(victimEmail);
        var victimTokens = await GetTokensAsync(victimEmail);
        var victimGrant = (await SessionsPage.RowsAsync(victimBrowser)).Single(r => r.Handle is not null).Handle!;
        var attackerEmail = Emails.Unique("grant-attacker");
        using var attacker = await SignedInBrowserAsync(attackerEmail);

        var revoke = await SessionsPage.PostAsync(attacker, "Revoke", victimGrant);

        Assert.Equal(HttpStatusCode.Redirect, revoke.StatusCode);
        var after = await SessionsPage.FollowAsync(attacker, revoke);
        Assert.Equal(SessionsModel.UnknownHandle, SessionsPage.Confirmation(after));
        Assert.Equal(2, (await SessionsPage.RowsAsync(victimBrowser)).Count);
        var api = _app.CreateApiClient();
        Assert.Equal(HttpStatusCode.OK, (await api.GetMeAsync(victimTokens.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.RefreshAsync(victimTokens.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task AnUnknownGrantHandleChangesNothingAndSaysSo()
    {
        var email = Emails.Unique("grant-unknown");
        using var browser = await SignedInBrowserAsync(email);
        var tokens = await GetTokensAsync(email);

        var revoke = await SessionsPage.PostAsync(browser, "Revoke", GrantHandle.Of("no such grant").Value);

        var after = await SessionsPage.FollowAsync(browser, revoke);
        Assert.Equal(SessionsModel.UnknownHandle, SessionsPage.Confirmation(after));
        Assert.Equal(2, SessionsPage.Rows(after).Count);
        Assert.Equal(HttpStatusCode.OK, (await _app.CreateApiClient().RefreshAsync(tokens.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task ATokenSignInAndARefreshTokenReuseAreActivityRows()
    {
        var email = Emails.Unique("grant-activity");
        using var browser = await SignedInBrowserAsync(email);
        var tokens = await GetTokensAsync(email, SessionsPage.ChromeOnAndroid);
        var api = _app.CreateApiClient();
        Assert.Equal(HttpStatusCode.OK, (await api.RefreshAsync(tokens.RefreshToken)).StatusCode);
        var thief = _app.CreateApiClient();
        thief.DefaultRequestHeaders.UserAgent.ParseAdd(SessionsPage.FirefoxOnWindows);

        var reuse = await thief.RefreshAsync(tokens.RefreshToken);

        await TokenClient.AssertProblemAsync(reuse, HttpStatusCode.Unauthorized);
        var html = await SessionsPage.HtmlAsync(browser);
        var kinds = SessionsPage.ActivityKinds(html);
        Assert.Equal("RefreshTokenReuse", kinds[0]);
        Assert.Equal("SignedIn", kinds[1]);
        var rows = ActivityRow().Matches(html).Select(m => m.Value).ToList();
        Assert.Contains("Firefox 133 on Windows", rows[0], StringComparison.Ordinal); // who presented the reused token
        Assert.Contains(SessionsModel.ApiClient, rows[0], StringComparison.Ordinal);
        Assert.Contains("Chrome 131 on Android", rows[1], StringComparison.Ordinal);
        Assert.Contains(SessionsModel.ApiClient, rows[1], StringComparison.Ordinal);
        // The reuse ended the grant: the device list no longer shows it.
        Assert.DoesNotContain(SessionsPage.Rows(html), r => r.Html.Contains(SessionsModel.ApiClient, StringComparison.Ordinal));
    }

    private IRefreshGrantStore Grants => _app.Services.GetRequiredService<IRefreshGrantStore>();

    private async Task<AppClient> SignedInBrowserAsync(string email)
    {
        var browser = SessionsPage.ClientAs(_app, SessionsPage.FirefoxOnWindows);
        await browser.RegisterAndLoginAsync(email);
        return browser;
    }

    private async Task<TokenClient.Pair> GetTokensAsync(string email, string? userAgent = null)
    {
        var api = _app.CreateApiClient();
        if (userAgent is not null)
        {
            api.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        }

        return await TokenClient.ReadPairAsync(await api.RequestTokenAsync(email));
    }

    [GeneratedRegex("<time datetime=\"\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z\">")]
    private static partial Regex TimeElement();

    [GeneratedRegex("<li class=\"list-group-item\" data-testid=\"activity-row\".*?</li>", RegexOptions.Singleline)]
    private static partial Regex ActivityRow();
}
