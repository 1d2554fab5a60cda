using System.Net;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Faults;

/// <summary>Registering while Redis is away: the account exists, and the person is told so.</summary>
public sealed class RegisterDuringOutageTests
{
    [Fact]
    public async Task RegisteringWhileRedisIsDownCreatesTheAccountAndSaysSignInMustWait()
    {
        // Append-only file on: what was written before the outage is still there after it.
        await using var pair = await RedisAppPair.StartAsync(persistentRedis: true);
        using var client = pair.App.CreateAppClient();
        var email = Emails.Unique("outage-register");
        var token = await client.GetAntiforgeryTokenAsync("/Account/Register");

        await pair.Redis.StopAsync();
        var registered = await client.Http.PostAsync("/Account/Register", new FormUrlEncodedContent(
        [
            new("Input.Email", email), new("Input.Password", AppClient.Password),
            new("Input.ConfirmPassword", AppClient.Password), new("__RequestVerificationToken", token),
        ]));
        var next = await client.GetAsync(registered.Headers.Location!.OriginalString);

        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        Assert.Single(await AccountsDb.UsersWithEmailAsync(pair.App, email));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, next.StatusCode);
        Assert.NotNull(next.Headers.RetryAfter);
        var html = await AppClient.BodyAsync(next);
        Assert.Contains("Your account is ready.", html, StringComparison.Ordinal);
        Assert.Contains("Sign-in is unavailable for the moment", html, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"Input.Password\"", html, StringComparison.Ordinal);

        await pair.Redis.RestartAsync();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var loginPage = await client.GetAsync("/Account/Login");
        while (loginPage.StatusCode != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            loginPage = await client.GetAsync("/Account/Login");
        }

        Assert.Equal(HttpStatusCode.OK, loginPage.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.LoginAsync(email)).StatusCode);
    }

    [Fact]
    public async Task TheLoginPageWhileRedisIsDownSaysSignInIsUnavailableWithRetryAfter()
    {
        await using var pair = await RedisAppPair.StartAsync();
        using var client = pair.App.CreateAppClient();

        await pair.Redis.StopAsync();
        var page = await client.GetAsync("/Account/Login");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), page.Headers.RetryAfter?.Delta);
        var html = await AppClient.BodyAsync(page);
        Assert.Contains("Sign-in is temporarily unavailable.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Your account is ready", html, StringComparison.Ordinal);
    }
}
