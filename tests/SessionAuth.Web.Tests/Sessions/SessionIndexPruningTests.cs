using System.Net;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Sessions;

/// <summary>A user's index of sessions holds their live sessions, not every sign-in they ever made.</summary>
public sealed class SessionIndexPruningTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private SessionAuthApplication _app = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        // Idle expiry in real time: a one-second timeout lets sessions die between rounds of sign-ins.
        _app = new SessionAuthApplication(_redis.ConnectionString, new Dictionary<string, string?>
        {
            ["Sessions:IdleTimeout"] = "00:00:01",
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task SignInsAfterIdleExpiredSessionsLeaveOnlyTheLiveSessionsInTheIndex()
    {
        var email = Emails.Unique("prune");
        using (var registrar = _app.CreateAppClient())
        {
            Assert.Equal(HttpStatusCode.Redirect, (await registrar.RegisterAsync(email)).StatusCode);
        }

        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 4; i++)
            {
                await SignInAsync(email);
            }

            await Task.Delay(TimeSpan.FromSeconds(1.5));
        }

        var last = await SignInAsync(email);

        var indexKey = Assert.Single(_redis.Admin.GetServer(_redis.ConnectionString).Keys(pattern: "sa:*:u:*"));
        var members = (await _redis.Db.SetMembersAsync(indexKey)).Select(m => (string)m!).ToArray();
        Assert.Equal([last.Handle.Value], members);
    }

    private async Task<SessionId> SignInAsync(string email)
    {
        using var client = _app.CreateAppClient();
        var login = await client.LoginAsync(email);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.True(SessionId.TryParse(AppClient.SessionCookieValue(login).AsSpan(0, SessionId.Length), out var id));
        return id;
    }
}
