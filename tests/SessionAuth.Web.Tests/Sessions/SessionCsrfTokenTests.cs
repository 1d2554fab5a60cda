using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Sessions;

/// <summary>
/// Signed-in forms carry the session's own CSRF secret, masked per response (synchronizer token
/// pattern); the anonymous forms keep ASP.NET's antiforgery. Each refusal case runs on every form a
/// signed-in person posts (sign-out and change-password) and checks afterwards that nothing changed:
/// the password in the database and the session on the server.
/// </summary>
public sealed class SessionCsrfTokenTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    private const string Logout = "/Account/Logout";
    private const string ChangePassword = "/Account/ChangePassword";
    private const string NewPassword = "a brand new passphrase for me";

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

    /// <summary>Every form a signed-in person posts: each case below runs on each of them.</summary>
    private static readonly string[] Forms = [Logout, ChangePassword];

    public static TheoryData<string> SignedInForms() => new(Forms);

    public static TheoryData<string, bool> SignedInFormsAndSameUser()
    {
        var data = new TheoryData<string, bool>();
        foreach (var form in Forms)
        {
            data.Add(form, true);
            data.Add(form, false);
        }

        return data;
    }

    public static TheoryData<string, string> SignedInFormsAndTamperings()
    {
        var data = new TheoryData<string, string>();
        foreach (var form in Forms)
        {
            foreach (var kind in new[] { "flipped-last", "flipped-first", "truncated", "one-longer", "empty", "not-base64", "absent" })
            {
                data.Add(form, kind);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SignedInForms))]
    public async Task TheSessionsOwnTokenIsAcceptedOnEverySignedInForm(string form)
    {
        var email = Emails.Unique("csrf-right");
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(email);
        var before = await StateOfAsync(client, email);
        var token = TokenIn(await AppClient.BodyAsync(await client.GetAsync(PageOf(form))));

        var response = await PostFormAsync(client, form, token);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        if (form == Logout)
        {
            Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/Dashboard")).StatusCode);
        }
        else
        {
            Assert.NotEqual(before.PasswordHash, (await AccountsDb.UserAsync(fixture.App, email)).PasswordHash);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Dashboard")).StatusCode);
        }
    }

    [Theory]
    [MemberData(nameof(SignedInFormsAndSameUser))]
    public async Task ATokenFromOneSessionIsRefusedOnAnother(string form, bool sameUser)
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

        var before = await StateOfAsync(victim, email);
        var attackersToken = TokenIn(await AppClient.BodyAsync(await attacker.GetAsync(PageOf(form))));

        var forged = await PostFormAsync(victim, form, attackersToken);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        await AssertNothingChangedAsync(victim, email, before);
        Assert.Equal(HttpStatusCode.OK, (await attacker.GetAsync("/Dashboard")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(SignedInForms))]
    public async Task ATokenIsRefusedAfterSignOutAndInTheNextSessionOfTheSameBrowser(string form)
    {
        var email = Emails.Unique("csrf-after");
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(email);
        var oldToken = TokenIn(await AppClient.BodyAsync(await client.GetAsync(PageOf(form))));
        Assert.Equal(HttpStatusCode.Redirect, (await client.LogoutAsync()).StatusCode);

        var signedOut = await PostFormAsync(client, form, oldToken);
        var loginWithIt = await client.Http.PostAsync("/Account/Login", new FormUrlEncodedContent(
            [new("Input.Email", email), new("Input.Password", AppClient.Password), new("__RequestVerificationToken", oldToken)]));
        await client.LoginAsync(email);
        var before = await StateOfAsync(client, email);
        var nextSession = await PostFormAsync(client, form, oldToken);

        // Signed out, the change-password page sends the visitor to sign in before any token is read.
        Assert.Equal(form == Logout ? HttpStatusCode.BadRequest : HttpStatusCode.Redirect, signedOut.StatusCode);
        if (form == ChangePassword)
        {
            Assert.StartsWith("/Account/Login", signedOut.Headers.Location?.OriginalString, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.BadRequest, loginWithIt.StatusCode);
        Assert.Null(AppClient.SetCookie(loginWithIt, AppClient.SessionCookieName));
        Assert.Equal(HttpStatusCode.BadRequest, nextSession.StatusCode);
        await AssertNothingChangedAsync(client, email, before);
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
    [MemberData(nameof(SignedInFormsAndTamperings))]
    public async Task ATamperedOrMissingTokenIsRefusedAndNothingChanges(string form, string kind)
    {
        var email = Emails.Unique("csrf-tamper");
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(email);
        var before = await StateOfAsync(client, email);
        var token = TokenIn(await AppClient.BodyAsync(await client.GetAsync(PageOf(form))));
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

        var response = await PostFormAsync(client, form, tampered);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertNothingChangedAsync(client, email, before);
        Assert.Empty(fixture.App.Logs.UnhandledExceptions);
    }

    [Theory]
    [MemberData(nameof(SignedInForms))]
    public async Task AFrameworkTokenFromBeforeSignInIsRefusedOnceSignedIn(string form)
    {
        var email = Emails.Unique("csrf-downgrade");
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAsync(email);
        var anonymousToken = await client.GetAntiforgeryTokenAsync("/Account/Login"); // and the antiforgery cookie
        Assert.Equal(HttpStatusCode.Redirect, (await client.LoginAsync(email)).StatusCode);
        var before = await StateOfAsync(client, email);

        var signedIn = await PostFormAsync(client, form, anonymousToken);
        var login = await client.Http.PostAsync("/Account/Login", new FormUrlEncodedContent(
            [new("Input.Email", email), new("Input.Password", AppClient.Password), new("__RequestVerificationToken", anonymousToken)]));

        Assert.Equal(HttpStatusCode.BadRequest, signedIn.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
        Assert.Null(AppClient.SetCookie(login, AppClient.SessionCookieName));
        await AssertNothingChangedAsync(client, email, before);
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
        PostFormAsync(client, Logout, token);

    /// <summary>The page a person posts <paramref name="form"/> from.</summary>
    private static string PageOf(string form) => form == Logout ? "/Dashboard" : ChangePassword;

    /// <summary>Posts a signed-in form with its real fields (the current password right) and the given token (none when null).</summary>
    private static Task<HttpResponseMessage> PostFormAsync(AppClient client, string form, string? token)
    {
        List<KeyValuePair<string, string>> fields = form == ChangePassword
            ? [new("Input.OldPassword", AppClient.Password), new("Input.NewPassword", NewPassword), new("Input.ConfirmPassword", NewPassword)]
            : [];
        if (token is not null)
        {
            fields.Add(new("__RequestVerificationToken", token));
        }

        return client.Http.PostAsync(form, new FormUrlEncodedContent(fields));
    }

    private sealed record AccountState(string PasswordHash);

    private async Task<AccountState> StateOfAsync(AppClient client, string email)
    {
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Dashboard")).StatusCode);
        return new AccountState((await AccountsDb.UserAsync(fixture.App, email)).PasswordHash);
    }

    /// <summary>A refused post changed nothing: the password in the database is the same and this session is still signed in.</summary>
    private async Task AssertNothingChangedAsync(AppClient client, string email, AccountState before)
    {
        Assert.Equal(before.PasswordHash, (await AccountsDb.UserAsync(fixture.App, email)).PasswordHash);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Dashboard")).StatusCode);
    }

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
