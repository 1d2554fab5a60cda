using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tests.Infrastructure;
using SessionAuth.Web.Tests.Sessions;
using StackExchange.Redis;

namespace SessionAuth.Web.Tests.Cluster;

/// <summary>
/// Every case of the store contract on a real three-master Redis Cluster: each operation's keys
/// share the user's hash tag, so none of them is refused with CROSSSLOT.
/// </summary>
public sealed class RedisClusterSessionStoreContractTests(RedisCluster cluster) : SessionStoreContract, IClassFixture<RedisCluster>
{
    protected override Task<ISessionStore> CreateStoreAsync() => Task.FromResult(NewStore(Options.Value));

    protected override ISessionStore NewStore(ServerSessionOptions options) =>
        new RedisSessionStore(cluster.Connection, Microsoft.Extensions.Options.Options.Create(options), Clock);

    protected override Task LetIdleTimeoutPassAsync() => Task.Delay(IdleTimeout + TimeSpan.FromMilliseconds(300));

    protected override async Task LetTimePassAsync(TimeSpan span)
    {
        await Task.Delay(span);
        Clock.Advance(span); // as the single-Redis contract does
    }

    [Fact]
    public async Task UsersSessionsSpreadOverTheMastersAndEachUsersKeysStayOnOne()
    {
        var users = Enumerable.Range(0, 12).Select(i => $"cluster-user-{i}").ToList();
        foreach (var user in users)
        {
            var now = Clock.GetUtcNow();
            for (var i = 0; i < 2; i++)
            {
                await Store.CreateAsync(SessionId.New(user), new SessionRecord
                {
                    UserId = user,
                    UserName = user,
                    CreatedAt = now,
                    AbsoluteExpiresAt = now.AddHours(8),
                });
            }
        }

        var mastersPerUser = new Dictionary<string, IReadOnlyList<int>>();
        var listed = new Dictionary<string, int>();
        foreach (var user in users)
        {
            mastersPerUser[user] = await cluster.PortsHoldingKeysInSlotAsync(cluster.Connection.HashSlot($"{{{UserHashTag.Of(user)}}}"));
            listed[user] = (await Store.ListByUserAsync(user)).Count;
        }

        Assert.All(users, user => Assert.Single(mastersPerUser[user]));
        Assert.Equal(3, mastersPerUser.Values.Select(ports => ports[0]).Distinct().Count());
        Assert.All(users, user => Assert.Equal(2, listed[user]));
    }
}
