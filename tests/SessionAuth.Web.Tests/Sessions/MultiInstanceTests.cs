using System.Net;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Sessions;

/// <summary>Several app instances on one Redis: any of them serves a session, and sign-out ends it on all.</summary>
public sealed class MultiInstanceTests
{
    [Fact]
    public async Task ASessionFromOneInstanceWorksOnAnotherAndLogoutKillsItOnEveryInstance()
    {
        await using var pair = await RedisAppPair.StartAsync();
        var (first, second) = (pair.App, pair.AddInstance());
        using var onFirst = first.CreateAppClient();
        var cookie = await onFirst.RegisterAndLoginAsync(Emails.Unique("multi"));
        using var onSecond = second.CreateClientCarrying(cookie);
        Assert.Equal(HttpStatusCode.OK, (await onSecond.GetAsync("/Dashboard")).StatusCode);

        // Signed out through the second instance, with its own form and antiforgery token.
        var logout = await onSecond.SubmitAsync("/Dashboard", [], postPath: "/Account/Logout");

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await onFirst.GetAsync("/Dashboard")).StatusCode);
        using var replay = first.CreateClientCarrying(cookie);
        Assert.Equal(HttpStatusCode.Redirect, (await replay.GetAsync("/Dashboard")).StatusCode);
    }

    [Fact]
    public async Task AFormFromOneInstanceCanBePostedToAnotherBecauseTheyShareDataProtectionKeys()
    {
        await using var pair = await RedisAppPair.StartAsync();
        var (first, second) = (pair.App, pair.AddInstance());
        var email = Emails.Unique("antiforgery");
        using var onFirst = first.CreateAppClient(handleCookies: false);
        using var onSecond = second.CreateAppClient(handleCookies: false);
        using var registerOnFirst = first.CreateAppClient();
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
        Assert.Contains(SessionAuth.Web.Accounts.CredentialInput.InvalidCredentials, await AppClient.BodyAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstancesAgreeOnTheCookieKeyAgainAfterRedisLosesIt()
    {
        await using var pair = await RedisAppPair.StartAsync();
        var first = pair.App;
        using var warmFirst = first.CreateAppClient();
        await warmFirst.RegisterAndLoginAsync(Emails.Unique("warm"));
        await pair.Redis.Admin.GetServer(pair.Redis.ConnectionString).FlushAllDatabasesAsync();

        // A new instance starts on the emptied Redis and writes a new shared key.
        var second = pair.AddInstance();
        using var onSecond = second.CreateAppClient();
        var fromSecond = await onSecond.RegisterAndLoginAsync(Emails.Unique("second"));
        using var onFirst = first.CreateAppClient();
        var fromFirst = await onFirst.RegisterAndLoginAsync(Emails.Unique("first"));

        using var secondOnFirst = first.CreateClientCarrying(fromSecond);
        using var firstOnSecond = second.CreateClientCarrying(fromFirst);
        Assert.Equal(HttpStatusCode.OK, (await secondOnFirst.GetAsync("/Dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await firstOnSecond.GetAsync("/Dashboard")).StatusCode);
    }
}
