using System.Diagnostics;
using System.Net;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Faults;

/// <summary>Redis goes away mid-test: nobody is signed in, pages say so with a 503, and it all comes back by itself.</summary>
public sealed class RedisOutageTests
{
    [Fact]
    public async Task RedisStoppedGives503WithinTwoSecondsThenTheSameSessionWorksAgainAfterItReturns()
    {
        await using var pair = await StartWithDurableRedisAsync();
        using var client = pair.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("outage"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Dashboard")).StatusCode);

        await pair.Redis.StopAsync();
        var timer = Stopwatch.StartNew();
        var dashboard = await client.GetAsync("/Dashboard");
        var dashboardTime = timer.Elapsed;
        timer.Restart();
        var login = await client.GetAsync("/Account/Login");
        var loginTime = timer.Elapsed;
        var home = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, dashboard.StatusCode);
        Assert.True(dashboardTime < TimeSpan.FromSeconds(2), $"The 503 took {dashboardTime.TotalMilliseconds:0} ms.");
        var html = await AppClient.BodyAsync(dashboard);
        Assert.Contains("Sign-in is temporarily unavailable", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Signed in as", html, StringComparison.Ordinal);
        Assert.DoesNotContain("RedisConnectionException", html, StringComparison.Ordinal);
        Assert.NotNull(dashboard.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, login.StatusCode);
        Assert.True(loginTime < TimeSpan.FromSeconds(2), $"The login 503 took {loginTime.TotalMilliseconds:0} ms.");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.DoesNotContain("Signed in as", await AppClient.BodyAsync(home), StringComparison.Ordinal);

        await pair.Redis.RestartAsync();
        var recovered = await PollUntilAsync(() => client.GetAsync("/Dashboard"), HttpStatusCode.OK, TimeSpan.FromSeconds(20));

        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        Assert.Contains("Signed in as", await AppClient.BodyAsync(recovered), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginPostWhileRedisIsDownIs503AndSetsNoCookie()
    {
        await using var pair = await StartWithDurableRedisAsync();
        using var client = pair.App.CreateAppClient();
        var email = Emails.Unique("outage-login");
        await client.RegisterAsync(email);
        var token = await client.GetAntiforgeryTokenAsync("/Account/Login");

        await pair.Redis.StopAsync();
        var response = await client.Http.PostAsync("/Account/Login", new FormUrlEncodedContent(
            [new("Input.Email", email), new("Input.Password", AppClient.Password), new("__RequestVerificationToken", token)]));
        await pair.Redis.RestartAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Null(AppClient.SetCookie(response, AppClient.SessionCookieName));
        Assert.Contains("Sign-in is temporarily unavailable", await AppClient.BodyAsync(response), StringComparison.Ordinal);
        var loginPage = await PollUntilAsync(() => client.GetAsync("/Account/Login"), HttpStatusCode.OK, TimeSpan.FromSeconds(20));
        Assert.Equal(HttpStatusCode.OK, loginPage.StatusCode);
        var retried = await client.LoginAsync(email);
        Assert.Equal(HttpStatusCode.Redirect, retried.StatusCode);
        Assert.NotNull(AppClient.SessionCookieValue(retried));
    }

    // Append-only file on: what was written before the outage is still there after it.
    private static Task<RedisAppPair> StartWithDurableRedisAsync() => RedisAppPair.StartAsync(
        new Dictionary<string, string?> { ["Redis:OperationTimeout"] = "00:00:01" }, persistentRedis: true);

    private static async Task<HttpResponseMessage> PollUntilAsync(Func<Task<HttpResponseMessage>> request, HttpStatusCode wanted, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var response = await request();
            if (response.StatusCode == wanted || DateTime.UtcNow > deadline)
            {
                return response;
            }

            await Task.Delay(200);
        }
    }
}
