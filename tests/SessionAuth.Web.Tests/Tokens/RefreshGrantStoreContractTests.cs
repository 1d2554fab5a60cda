using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tests.Infrastructure;
using SessionAuth.Web.Tokens;
using StackExchange.Redis;

namespace SessionAuth.Web.Tests.Tokens;

/// <summary>The contract against a real redis-server: idle expiry is Redis's own key TTL, in real time.</summary>
public sealed class RedisRefreshGrantStoreContractTests : RefreshGrantStoreContract
{
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _connection = null!;

    protected override async Task<IRefreshGrantStore> CreateStoreAsync()
    {
        _redis = await RedisServer.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        return new RedisRefreshGrantStore(_connection, SessionSettings, TokenSettings, Clock);
    }

    protected override Task LetIdleLifetimePassAsync() => Task.Delay(IdleLifetime + TimeSpan.FromMilliseconds(300));

    protected override Task LetTimePassAsync(TimeSpan span) => Task.Delay(span);

    public override async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task GrantsShareTheUsersClusterHashSlotWithTheirSessions()
    {
        const string user = "user-slot";
        var sessionStore = new RedisSessionStore(_connection, SessionSettings, Clock);
        var now = Clock.GetUtcNow();
        await sessionStore.CreateAsync(SessionId.New(user), new SessionRecord
        {
            UserId = user,
            UserName = user,
            CreatedAt = now,
            AbsoluteExpiresAt = now.AddHours(8),
        });
        var grant = NewGrant(user);
        await Store.CreateAsync(grant);

        var keys = _redis.Admin.GetServer(_redis.ConnectionString).Keys(pattern: $"{SessionSettings.Value.KeyPrefix}:*").Select(k => (string)k!).ToList();

        var tag = UserHashTag.Of(user);
        Assert.Contains($"{SessionSettings.Value.KeyPrefix}:{{{tag}}}:g:{grant.Handle.Value}", keys);
        Assert.Contains($"{SessionSettings.Value.KeyPrefix}:{{{tag}}}:gu:{user}", keys);
        Assert.Equal(4, keys.Count);
        Assert.Single(keys.Select(k => _connection.HashSlot(k)).Distinct());
    }

    [Fact]
    public async Task RedisHoldsOnlyHashesOfRefreshTokens()
    {
        var grant = NewGrant("user-hashed");
        var first = await Store.CreateAsync(grant);
        var second = (await Store.RotateAsync(first)).Token!.Value;
        var key = $"{SessionSettings.Value.KeyPrefix}:{{{first.Tag}}}:g:{grant.Handle.Value}";

        var fields = await _redis.Db.HashGetAllAsync(key);
        var everything = string.Join("|", fields.Select(f => $"{f.Name}={f.Value}"));

        foreach (var token in new[] { first, second })
        {
            Assert.DoesNotContain(token.Value[^44..], everything, StringComparison.Ordinal);
        }

        Assert.Equal(second.Hash(), (string?)fields.Single(f => f.Name == "cur").Value);
        Assert.Contains(fields, f => f.Name == $"r:{first.Hash()}");
        Assert.DoesNotContain(grant.Id, everything.Replace($"id={grant.Id}", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGrantStoredBeforeGrantsHadAStampRotatesWithNoStampSoTheRefreshIsRefused()
    {
        var grant = NewGrant("user-old-grant");
        var token = await Store.CreateAsync(grant);
        var key = $"{SessionSettings.Value.KeyPrefix}:{{{token.Tag}}}:g:{grant.Handle.Value}";
        Assert.True(await _redis.Db.HashDeleteAsync(key, "stamp"));

        var rotated = await Store.RotateAsync(token);

        Assert.Equal(RefreshOutcome.Rotated, rotated.Outcome);
        Assert.Equal(grant.Id, rotated.GrantId);
        Assert.Null(rotated.SecurityStamp);
    }

    [Fact]
    public async Task AGrantsRedisTtlIsTheIdleLifetimeAndSlidesOnRefresh()
    {
        var grant = NewGrant("user-ttl");
        var token = await Store.CreateAsync(grant);
        var key = $"{SessionSettings.Value.KeyPrefix}:{{{token.Tag}}}:g:{grant.Handle.Value}";
        await Task.Delay(800);
        var before = await _redis.Db.KeyTimeToLiveAsync(key);

        await Store.RotateAsync(token);
        var after = await _redis.Db.KeyTimeToLiveAsync(key);

        Assert.InRange(before!.Value, TimeSpan.FromMilliseconds(100), IdleLifetime - TimeSpan.FromMilliseconds(500));
        Assert.InRange(after!.Value, IdleLifetime - TimeSpan.FromMilliseconds(700), IdleLifetime);
        Assert.True(after > before, $"TTL {before} before the refresh, {after} after");
    }
}

/// <summary>The same contract for the in-process store, with the fake clock for both lifetimes.</summary>
public sealed class InMemoryRefreshGrantStoreContractTests : RefreshGrantStoreContract
{
    protected override Task<IRefreshGrantStore> CreateStoreAsync() =>
        Task.FromResult<IRefreshGrantStore>(new InMemoryRefreshGrantStore(TokenSettings, Clock));

    protected override Task LetIdleLifetimePassAsync()
    {
        Clock.Advance(IdleLifetime + TimeSpan.FromMilliseconds(300));
        return Task.CompletedTask;
    }

    protected override Task LetTimePassAsync(TimeSpan span)
    {
        Clock.Advance(span);
        return Task.CompletedTask;
    }
}
