using System.Net;
using SessionAuth.Web.Pages.Account;
using SessionAuth.Web.Tests.Infrastructure;
using StackExchange.Redis;

namespace SessionAuth.Web.Tests.Faults;

/// <summary>
/// A sign-out the store could not write is not a sign-out: the person is told it did not happen
/// (503 with Retry-After), the cookie stays, and the session, still live on the server, works
/// once the store is back, where signing out then works.
/// </summary>
public sealed class SignOutDuringOutageTests
{
    [Fact]
    public async Task SignOutWhileRedisIsDownIsA503SayingItDidNotHappenAndKeepsTheCookie()
    {
        await using var pair = await RedisAppPair.StartAsync(
            new Dictionary<string, string?> { ["Redis:OperationTimeout"] = "00:00:01" }, persistentRedis: true);
        using var client = pair.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("signout-outage"));
        var token = await client.GetAntiforgeryTokenAsync("/Dashboard");

        await pair.Redis.StopAsync();
        var signOut = await client.Http.PostAsync("/Account/Logout", new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        var signOutPage = await client.GetAsync("/Account/Logout");
        await pair.Redis.RestartAsync();

        await AssertSignOutRefusedAsync(signOut);
        await AssertSignOutRefusedAsync(signOutPage);
        var dashboard = await PollUntilOkAsync(client, "/Dashboard");
        Assert.Contains("Signed in as", await AppClient.BodyAsync(dashboard), StringComparison.Ordinal);
        await AssertSignOutWorksAsync(client);
    }

    [Fact]
    public async Task SignOutTheStoreRefusesToWriteIsA503SayingItDidNotHappenAndKeepsTheCookie()
    {
        await using var pair = await RedisAppPair.StartAsync();
        using var client = pair.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("signout-refused"));
        var token = await client.GetAntiforgeryTokenAsync("/Dashboard");
        var server = pair.Redis.Admin.GetServer(pair.Redis.ConnectionString);

        // Redis answers reads but refuses the sign-out's write (GETDEL): a write failing after the
        // request was authenticated, as when Redis fails between the two.
        await server.ExecuteAsync("ACL", "SETUSER", "default", "-getdel");
        HttpResponseMessage signOut;
        try
        {
            signOut = await client.Http.PostAsync("/Account/Logout", new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        }
        finally
        {
            await server.ExecuteAsync("ACL", "SETUSER", "default", "+getdel");
        }

        await AssertSignOutRefusedAsync(signOut);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Dashboard")).StatusCode);
        await AssertSignOutWorksAsync(client);
    }

    private static async Task AssertSignOutRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Null(AppClient.SetCookie(response, AppClient.SessionCookieName));
        var html = await AppClient.BodyAsync(response);
        Assert.Contains(LogoutModel.StoreOutageHeading, html, StringComparison.Ordinal);
        Assert.Contains("if you were signed in, you still are", html, StringComparison.Ordinal);
        Assert.DoesNotContain("signed-out", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("RedisException", html, StringComparison.Ordinal);
    }

    private static async Task AssertSignOutWorksAsync(AppClient client)
    {
        var signOut = await client.LogoutAsync();

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Contains("signed-out", signOut.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/Dashboard")).StatusCode);
    }

    private static async Task<HttpResponseMessage> PollUntilOkAsync(AppClient client, string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var response = await client.GetAsync(path);
            if (response.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline)
            {
                return response;
            }

            await Task.Delay(100);
        }
    }
}
