using System.Net;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Sessions;

/// <summary>A user's index of sessions holds their live sessions, not every sign-in they ever made.</summary>
public sealed class SessionIndexPruningTests
{
    [Fact]
    public async Task SignInsAfterIdleExpiredSessionsLeaveOnlyTheLiveSessionsInTheIndex()
    {
        // Idle expiry in real time: a one-second timeout lets sessions die between rounds of sign-ins.
        await using var pair = await RedisAppPair.StartAsync(new Dictionary<string, string?>
        {
            ["Sessions:IdleTimeout"] = "00:00:01",
        });
        var email = Emails.Unique("prune");
        using (var registrar = pair.App.CreateAppClient())
        {
            Assert.Equal(HttpStatusCode.Redirect, (await registrar.RegisterAsync(email)).StatusCode);
        }

        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 4; i++)
            {
                await SignInAsync(pair.App, email);
            }

            await Task.Delay(TimeSpan.FromSeconds(1.5));
        }

        var last = await SignInAsync(pair.App, email);

        var indexKey = Assert.Single(pair.Redis.Admin.GetServer(pair.Redis.ConnectionString).Keys(pattern: "sa:*:u:*"));
        var members = (await pair.Redis.Db.SetMembersAsync(indexKey)).Select(m => (string)m!).ToArray();
        Assert.Equal([last.Handle.Value], members);
    }

    private static async Task<SessionId> SignInAsync(SessionAuthApplication app, string email)
    {
        using var client = app.CreateAppClient();
        var login = await client.LoginAsync(email);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.True(SessionId.TryParse(AppClient.SessionCookieValue(login).AsSpan(0, SessionId.Length), out var id));
        return id;
    }
}
