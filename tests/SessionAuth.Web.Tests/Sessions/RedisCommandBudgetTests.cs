using System.Net;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Sessions;

/// <summary>The per-request budget: one Redis command per authenticated page, counted by Redis itself.</summary>
public sealed class RedisCommandBudgetTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    // Commands the test's own admin client and the client library's upkeep send, not the request path.
    private static readonly HashSet<string> NotRequestPath = new(StringComparer.OrdinalIgnoreCase)
    {
        "info", "config|resetstat", "config", "ping", "echo", "client|setname", "client|setinfo", "client", "cluster",
        "subscribe", "hello", "command", "select", "role", "cluster|nodes", "config|get", "sentinel",
    };

    [Fact]
    public async Task OneAuthenticatedPageRequestCostsExactlyOneRedisCommand()
    {
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("budget"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Dashboard")).StatusCode); // warm: key ring, caches
        const int requests = 25;
        await fixture.Redis.ResetStatsAsync();

        for (var i = 0; i < requests; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Dashboard")).StatusCode);
        }

        var calls = await fixture.Redis.CommandCallsAsync();
        var requestPath = calls.Where(c => !NotRequestPath.Contains(c.Key)).ToDictionary();
        Assert.Equal(new Dictionary<string, long> { ["getex"] = requests }, requestPath);
    }
}
