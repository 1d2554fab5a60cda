using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace SessionAuth.Web.Tests.Cluster;

/// <summary>
/// A Redis Cluster master dies (SIGKILL) and its replica takes over: once the cluster has promoted
/// it, the signed-in person whose slot it served is signed in again with the same cookie, and the
/// app was never restarted. Meanwhile the answers are 503s, never a 500 and never a sign-in page.
/// </summary>
public sealed class RedisClusterFailoverTests(RedisClusterWithReplicas cluster, ITestOutputHelper output)
    : IClassFixture<RedisClusterWithReplicas>
{
    [Fact]
    public async Task ASessionSurvivesItsMasterDyingAndItsReplicaTakingOver()
    {
        await using var app = new SessionAuthApplication(cluster.ConnectionString,
            new Dictionary<string, string?> { ["Redis:OperationTimeout"] = "00:00:01" });
        app.StartServer();
        using var client = app.CreateAppClient();
        var email = Emails.Unique("failover");
        await client.RegisterAndLoginAsync(email);
        var slot = cluster.Connection.HashSlot($"{{{UserHashTag.Of(await UserIdAsync(app, email))}}}");
        var master = Assert.Single(await cluster.PortsHoldingKeysInSlotAsync(slot));
        var replica = await cluster.ReplicaOfAsync(master);
        // Replication is asynchronous: wait until the replica holds the session before the master dies.
        await RedisCluster.WaitForAsync(async () => await RedisCluster.KeysInSlotAsync(replica, slot) >= 2, "The replica did not receive the session");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Dashboard")).StatusCode);

        var timer = Stopwatch.StartNew();
        await cluster.KillAsync(master);
        var answers = new List<HttpStatusCode>();
        HttpResponseMessage dashboard;
        do
        {
            dashboard = await client.GetAsync("/Dashboard");
            answers.Add(dashboard.StatusCode);
            if (dashboard.StatusCode != HttpStatusCode.OK)
            {
                await Task.Delay(100);
            }
        }
        while (dashboard.StatusCode != HttpStatusCode.OK && timer.Elapsed < TimeSpan.FromSeconds(20));
        var recovered = timer.Elapsed;

        output.WriteLine($"Master {master} killed; replica {replica} now '{await RedisCluster.RoleAsync(replica)}'; " +
            $"the same cookie signed in again after {recovered.TotalMilliseconds:0} ms; answers meanwhile: " +
            string.Join(", ", answers.GroupBy(s => (int)s).Select(g => $"{g.Key}: {g.Count()}")));
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("Signed in as", await AppClient.BodyAsync(dashboard), StringComparison.Ordinal);
        Assert.All(answers, status => Assert.Contains(status, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));
        Assert.Equal("master", await RedisCluster.RoleAsync(replica));
    }

    private static async Task<string> UserIdAsync(SessionAuthApplication app, string email)
    {
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return (await users.FindByEmailAsync(email))?.Id ?? throw new InvalidOperationException($"No account for {email}.");
    }
}
