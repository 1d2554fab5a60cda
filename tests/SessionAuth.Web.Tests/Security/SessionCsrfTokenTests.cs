using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Security;

/// <summary>
/// Signed-in forms carry the session's own CSRF secret, masked per response (synchronizer token
/// pattern); the anonymous forms keep ASP.NET's antiforgery. Each case posts the sign-out form, the
/// one every signed-in page carries, and checks the session on the server afterwards.
/// </summary>
public sealed class SessionCsrfTokenTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    private const string Logout = "/Account/Logout";

    [Fact]
    public async Task ASignedInPageCarriesAMaskedSessionTokenThatDiffersPerRenderAndSetsNoAntiforgeryCookie()
    {
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("csrf-mask"));

        var first = await client.GetAsync("/Dashboard");
        var second = await client.GetAsync("/Dashboard");

        var firstToken = TokenIn(await AppClient.BodyAsync(first));
        var secondToken = TokenIn(await AppClient.BodyAsync(second));
        Assert.Matches("^[A-Za-z0-9_-]{86}$", firstToken);
        Assert.Matches("^[A-Za-z0-9_-]{86}$", secondToken);
        Assert.NotEqual(firstToken, secondToken);
        Assert.Null(AppClient.SetCookie(first, "__Host-antiforgery"));
        Assert.Null(AppClient.SetCookie(second, "__Host-antiforgery"));
    }

    [Fact]
    public async Task ATokenSurvivesThePageBeingRenderedAgain()
    {
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("csrf-again"));
        var token = TokenIn(await AppClient.BodyAsync(await client.GetAsync("/Dashboard")));
        await client.GetAsync("/Dashboard");
        await client.GetAsync("/Account/ChangePassword");

        var logout = await PostLogoutAsync(client, token);

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/Dashboard")).StatusCode);
    }

    [Fact]
    public async Task TheTokenAlsoArrivesInTheRequestVerificationTokenHeader()
    {
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("csrf-header"));
        var token = TokenIn(await AppClient.BodyAsync(await client.GetAsync("/Dashboard")));

        using var request = new HttpRequestMessage(HttpMethod.Post, Logout) { Content = new FormUrlEncodedContent([]) };
        request.Headers.Add("RequestVerificationToken", token);
        var logout = await client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ATokenFromOneSessionIsRefusedOnAnother(bool sameUser)
    {
        var email = Emails.Unique("csrf-foreign");
        using var victim = fixture.App.CreateAppClient();
        await victim.RegisterAndLoginAsync(email);
        using var attacker = fixture.App.CreateAppClient();
        if (sameUser)
        {
            await attacker.LoginAsync(email);
        }
        else
        {
            await attacker.RegisterAndLoginAsync(Emails.Unique("csrf-attacker"));
        }

        var attackersToken = TokenIn(await AppClient.BodyAsync(await attacker.GetAsync("/Dashboard")));

        var forged = await PostLogoutAsync(victim, attackersToken);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await victim.GetAsync("/Dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await attacker.GetAsync("/Dashboard")).StatusCode);
    }

    [Fact]
    public async Task ATokenIsRefusedAfterSignOutAndInTheNextSessionOfTheSameBrowser()
    {
        var email = Emails.Unique("csrf-after");
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(email);
        var oldToken = TokenIn(await AppClient.BodyAsync(await client.GetAsync("/Dashboard")));
        Assert.Equal(HttpStatusCode.Redirect, (await client.LogoutAsync()).StatusCode);

        var signedOut = await PostLogoutAsync(client, oldToken);
        var loginWithIt = await client.Http.PostAsync("/Account/Login", new FormUrlEncodedContent(
            [new("Input.Email", email), new("Input.Password", AppClient.Password), new("__RequestVerificationToken", oldToken)]));
        await client.LoginAsync(email);
        var nextSession = await PostLogoutAsync(client, oldToken);

        Assert.Equal(HttpStatusCode.BadRequest, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, loginWithIt.StatusCode);
        Assert.Null(AppClient.SetCookie(loginWithIt, AppClient.SessionCookieName));
        Assert.Equal(HttpStatusCode.BadRequest, nextSession.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Dashboard")).StatusCode);
    }

    [Fact]
    public async Task ATokenIsRefusedOnceTheSessionIsEndedOnTheServer()
    {
        using var client = fixture.App.CreateAppClient();
        var cookie = await client.RegisterAndLoginAsync(Emails.Unique("csrf-ended"));
        var token = TokenIn(await AppClient.BodyAsync(await client.GetAsync("/Dashboard")));
        var (store, id) = await SessionOfAsync(cookie);
        Assert.NotNull(await store.RemoveAsync(id));

        var late = await PostLogoutAsync(client, token);

        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
    }

    [Theory]
    [InlineData("flipped-last")]
    [InlineData("flipped-first")]
    [InlineData("truncated")]
    [InlineData("one-longer")]
    [InlineData("empty")]
    [InlineData("not-base64")]
    [InlineData("absent")]
    public async Task ATamperedOrMissingTokenIsRefusedAndTheSessionLives(string kind)
    {
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("csrf-tamper"));
        var token = TokenIn(await AppClient.BodyAsync(await client.GetAsync("/Dashboard")));
        var tampered = kind switch
        {
            "flipped-last" => token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1],
            "flipped-first" => (token[0] == 'A' ? 'B' : 'A') + token[1..],
            "truncated" => token[..^4],
            "one-longer" => token + "A",
            "empty" => "",
            "not-base64" => new string('*', token.Length),
            _ => null,
        };

        var response = await PostLogoutAsync(client, tampered);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Dashboard")).StatusCode);
        Assert.Empty(fixture.App.Logs.UnhandledExceptions);
    }

    [Fact]
    public async Task AFrameworkTokenFromBeforeSignInIsRefusedOnceSignedIn()
    {
        var email = Emails.Unique("csrf-downgrade");
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAsync(email);
        var anonymousToken = await client.GetAntiforgeryTokenAsync("/Account/Login"); // and the antiforgery cookie
        Assert.Equal(HttpStatusCode.Redirect, (await client.LoginAsync(email)).StatusCode);

        var logout = await PostLogoutAsync(client, anonymousToken);
        var login = await client.Http.PostAsync("/Account/Login", new FormUrlEncodedContent(
            [new("Input.Email", email), new("Input.Password", AppClient.Password), new("__RequestVerificationToken", anonymousToken)]));

        Assert.Equal(HttpStatusCode.BadRequest, logout.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
        Assert.Null(AppClient.SetCookie(login, AppClient.SessionCookieName));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Dashboard")).StatusCode);
    }

    [Fact]
    public async Task ASignedInPersonCanStillUseTheSignInFormItRendersForThem()
    {
        var email = Emails.Unique("csrf-relogin");
        using var client = fixture.App.CreateAppClient();
        var before = await client.RegisterAndLoginAsync(email);

        var again = await client.LoginAsync(email);

        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.NotEqual(before, AppClient.SessionCookieValue(again));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Dashboard")).StatusCode);
    }

    [Fact]
    public async Task ASessionWrittenBeforeSessionsHadASecretKeepsTheFrameworkAntiforgery()
    {
        using var client = fixture.App.CreateAppClient();
        var cookie = await client.RegisterAndLoginAsync(Emails.Unique("csrf-legacy"));
        var (store, id) = await SessionOfAsync(cookie);
        var record = await store.RemoveAsync(id);
        await store.CreateAsync(id, record! with { CsrfSecret = null });

        var page = await client.GetAsync("/Dashboard");
        var token = TokenIn(await AppClient.BodyAsync(page));
        var logout = await PostLogoutAsync(client, token);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.DoesNotMatch("^[A-Za-z0-9_-]{86}$", token);
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Null(await store.GetAndTouchAsync(id));
    }

    private static Task<HttpResponseMessage> PostLogoutAsync(AppClient client, string? token) =>
        client.Http.PostAsync(Logout, new FormUrlEncodedContent(
            token is null ? [] : [new KeyValuePair<string, string>("__RequestVerificationToken", token)]));

    private async Task<(ISessionStore Store, SessionId Id)> SessionOfAsync(string cookie)
    {
        var services = fixture.App.Services;
        var id = await services.GetRequiredService<SessionCookieProtector>().UnprotectAsync(cookie);
        return (services.GetRequiredService<ISessionStore>(), id ?? throw new InvalidOperationException("The cookie does not verify."));
    }

    private static string TokenIn(string html)
    {
        var match = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"");
        Assert.True(match.Success, "The page carries no form token.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }
}
