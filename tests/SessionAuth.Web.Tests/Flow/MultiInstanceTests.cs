using System.Net;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Flow;

/// <summary>Several app instances on one Redis: any of them serves a session, and sign-out ends it on all.</summary>
public sealed class MultiInstanceTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private SessionAuthApplication _first = null!;
    private SessionAuthApplication _second = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _first = new SessionAuthApplication(_redis.ConnectionString);
        _second = new SessionAuthApplication(_redis.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task ASessionFromOneInstanceWorksOnAnotherAndLogoutKillsItOnEveryInstance()
    {
        using var onFirst = _first.CreateAppClient();
        var cookie = await onFirst.RegisterAndLoginAsync(Emails.Unique("multi"));
        using var onSecond = _second.CreateClientCarrying(cookie);
        Assert.Equal(HttpStatusCode.OK, (await onSecond.GetAsync("/Dashboard")).StatusCode);

        // Signed out through the second instance, with its own form and antiforgery token.
        var logout = await onSecond.SubmitAsync("/Dashboard", [], postPath: "/Account/Logout");

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await onFirst.GetAsync("/Dashboard")).StatusCode);
        using var replay = _first.CreateClientCarrying(cookie);
        Assert.Equal(HttpStatusCode.Redirect, (await replay.GetAsync("/Dashboard")).StatusCode);
    }

    [Fact]
    public async Task AFormFromOneInstanceCanBePostedToAnotherBecauseTheyShareDataProtectionKeys()
    {
        var email = Emails.Unique("antiforgery");
        using var onFirst = _first.CreateAppClient(handleCookies: false);
        using var onSecond = _second.CreateAppClient(handleCookies: false);
        using var registerOnFirst = _first.CreateAppClient();
        await registerOnFirst.RegisterAsync(email);
        var form = await onFirst.GetAsync("/Account/Login");
        var antiforgeryCookie = AppClient.SetCookie(form, "__Host-antiforgery")!.Split(';')[0];
        var token = System.Text.RegularExpressions.Regex.Match(await AppClient.BodyAsync(form),
            "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;

        using var post = new HttpRequestMessage(HttpMethod.Post, "/Account/Login")
        {
            Content = new FormUrlEncodedContent([new("Input.Email", email), new("Input.Password", "a wrong password"), new("__RequestVerificationToken", token)]),
        };
        post.Headers.Add("Cookie", antiforgeryCookie);
        var response = await onSecond.Http.SendAsync(post);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // not 400: the token from the first instance is valid here
        Assert.Contains(SessionAuth.Web.Pages.Account.LoginModel.InvalidCredentials, await AppClient.BodyAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstancesAgreeOnTheCookieKeyAgainAfterRedisLosesIt()
    {
        using var warmFirst = _first.CreateAppClient();
        await warmFirst.RegisterAndLoginAsync(Emails.Unique("warm"));
        await _redis.Admin.GetServer(_redis.ConnectionString).FlushAllDatabasesAsync();

        // A new instance starts on the emptied Redis and writes a new shared key.
        await using var third = new SessionAuthApplication(_redis.ConnectionString);
        using var onThird = third.CreateAppClient();
        var fromThird = await onThird.RegisterAndLoginAsync(Emails.Unique("third"));
        using var onFirst = _first.CreateAppClient();
        var fromFirst = await onFirst.RegisterAndLoginAsync(Emails.Unique("first"));

        using var thirdOnFirst = _first.CreateClientCarrying(fromThird);
        using var firstOnThird = third.CreateClientCarrying(fromFirst);
        Assert.Equal(HttpStatusCode.OK, (await thirdOnFirst.GetAsync("/Dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await firstOnThird.GetAsync("/Dashboard")).StatusCode);
    }
}
