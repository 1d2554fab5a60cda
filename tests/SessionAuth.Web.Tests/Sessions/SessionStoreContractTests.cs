using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tests.Infrastructure;
using StackExchange.Redis;

namespace SessionAuth.Web.Tests.Sessions;

/// <summary>The contract against a real redis-server: idle expiry is Redis's own key TTL, in real time.</summary>
public sealed class RedisSessionStoreContractTests : SessionStoreContract
{
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _connection = null!;

    protected override async Task<ISessionStore> CreateStoreAsync()
    {
        _redis = await RedisServer.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        // Redis expires keys in real time: the clock starts at the real now once the server is up, not
        // at the test's construction (starting redis-server on a busy machine can take a second).
        Clock.SetUtcNow(DateTimeOffset.UtcNow);
        return NewStore(Options.Value);
    }

    protected override ISessionStore NewStore(ServerSessionOptions options) =>
        new RedisSessionStore(_connection, Microsoft.Extensions.Options.Options.Create(options), Clock);

    protected override Task LetIdleTimeoutPassAsync() => Task.Delay(IdleTimeout + TimeSpan.FromMilliseconds(300));

    protected override async Task LetTimePassAsync(TimeSpan span)
    {
        await Task.Delay(span);
        Clock.Advance(span); // so "now" minus the TTL gone tells the last use, as with a real clock
    }

    public override async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task ASessionAndItsUsersIndexShareOneClusterHashSlot()
    {
        var id = SessionId.New("user-slot");
        var now = Clock.GetUtcNow();
        await Store.CreateAsync(id, new SessionRecord
        {
            UserId = "user-slot",
            UserName = "u",
            CreatedAt = now,
            AbsoluteExpiresAt = now.AddHours(8),
        });

        var keys = _redis.Admin.GetServer(_redis.ConnectionString).Keys(pattern: $"{Options.Value.KeyPrefix}:*").ToList();

        Assert.Equal(2, keys.Count);
        Assert.Single(keys.Select(k => _connection.HashSlot(k)).Distinct());
        Assert.All(keys, k => Assert.Contains($"{{{id.Tag}}}", (string)k!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignInPrunesIdleExpiredSessionsFromTheUsersIndexWithBoundedWork()
    {
        const string user = "user-prune";
        var indexKey = $"{Options.Value.KeyPrefix}:{{{UserHashTag.Of(user)}}}:u:{user}";
        var expired = RedisSessionStore.PruneSample + 18; // more than one sign-in checks
        for (var i = 0; i < expired; i++)
        {
            await Store.CreateAsync(SessionId.New(user), Record(user));
        }

        await LetIdleTimeoutPassAsync();
        var sizes = new List<long>();
        var live = new List<SessionId>();
        for (var i = 0; i < 3; i++)
        {
            live.Add(SessionId.New(user));
            await Store.CreateAsync(live[^1], Record(user));
            sizes.Add(await _redis.Db.SetLengthAsync(indexKey));
        }

        // 50 dead + 1: one sign-in checks a sample of 32 (31 dead if the new one is drawn) and drops
        // the dead; the next sign-in's sample holds the whole rest, so only live sessions remain.
        Assert.InRange(sizes[0], expired + 1 - RedisSessionStore.PruneSample, expired + 2 - RedisSessionStore.PruneSample);
        Assert.Equal([2, 3], sizes.Skip(1).ToArray());
        Assert.Equal(
            live.Select(id => id.Handle.Value).Order(StringComparer.Ordinal),
            (await _redis.Db.SetMembersAsync(indexKey)).Select(m => (string)m!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ListingAUserWithTenThousandDeadIdsReadsIdsOnceAndRecordsInOnePipelineAndPrunesInBoundedChunks()
    {
        const string user = "user-dead-ids";
        var indexKey = $"{Options.Value.KeyPrefix}:{{{UserHashTag.Of(user)}}}:u:{user}";
        // A long idle timeout: filling 10,000 ids on a loaded machine must not outlast the live session.
        var store = NewStore(new ServerSessionOptions { IdleTimeout = TimeSpan.FromMinutes(5), KeyPrefix = Options.Value.KeyPrefix });
        var live = SessionId.New(user);
        await store.CreateAsync(live, Record(user));
        const int dead = 10_000;
        await _redis.Db.SetAddAsync(indexKey, Enumerable.Range(0, dead).Select(_ => (RedisValue)SessionId.New(user).Handle.Value).ToArray());
        await _redis.ResetStatsAsync();

        var listed = await store.ListByUserAsync(user);

        Assert.Equal([live.Handle], listed.Select(s => s.Handle).ToArray());
        for (var wait = 0; wait < 50 && await _redis.Db.SetLengthAsync(indexKey) > 1; wait++)
        {
            await Task.Delay(100); // the prune is fire-and-forget: the page does not wait for it
        }

        Assert.Equal(1, await _redis.Db.SetLengthAsync(indexKey));
        var calls = await _redis.CommandCallsAsync();
        // One SMEMBERS, then GET and PTTL of every member in one pipelined batch, then SREM of at
        // most StaleChunk members at a time: a long backlog never blocks Redis in one long command.
        Assert.Equal(1, calls["smembers"]);
        Assert.Equal(dead + 1, calls["get"]);
        Assert.Equal(dead + 1, calls["pttl"]);
        Assert.Equal(dead / RedisSessionStore.StaleChunk, calls["srem"]);
        Assert.Equal([live.Handle], (await store.ListByUserAsync(user)).Select(s => s.Handle).ToArray());
    }

    [Fact]
    public async Task TheUsersIndexLivesUntilTheLatestAbsoluteEndOfItsSessionsWhateverTheSignInOrder()
    {
        const string user = "user-index-ttl";
        var indexKey = $"{Options.Value.KeyPrefix}:{{{UserHashTag.Of(user)}}}:u:{user}";
        var store = NewStore(PersistentOptions());
        var (persistent, persistentRecord) = PersistentSession(user);
        var (browser, browserRecord) = NewSession(user);

        await store.CreateAsync(persistent, persistentRecord);
        await store.CreateAsync(browser, browserRecord);

        Assert.True(browserRecord.AbsoluteExpiresAt < persistentRecord.AbsoluteExpiresAt);
        Assert.Equal(persistentRecord.AbsoluteExpiresAt.ToUnixTimeMilliseconds(), await IndexExpiresAtAsync(indexKey));
        var ttl = await _redis.Db.KeyTimeToLiveAsync(indexKey);
        Assert.NotNull(ttl);
        Assert.True(ttl > TimeSpan.FromDays(30) - TimeSpan.FromMinutes(1), $"The index expires in {ttl}, before the persistent session ends.");

        // A later "Keep me signed in" still moves the end on.
        Clock.Advance(TimeSpan.FromMinutes(5));
        var (later, laterRecord) = PersistentSession(user);
        await store.CreateAsync(later, laterRecord);
        Assert.Equal(laterRecord.AbsoluteExpiresAt.ToUnixTimeMilliseconds(), await IndexExpiresAtAsync(indexKey));
    }

    [Fact]
    public async Task RedisHoldsNoSessionIdInAnyKeyOrIndexOnlyItsHash()
    {
        var id = SessionId.New("user-hashed");
        var now = Clock.GetUtcNow();
        await Store.CreateAsync(id, new SessionRecord
        {
            UserId = "user-hashed",
            UserName = "u",
            CreatedAt = now,
            AbsoluteExpiresAt = now.AddHours(8),
        });

        var keys = _redis.Admin.GetServer(_redis.ConnectionString).Keys(pattern: $"{Options.Value.KeyPrefix}:*")
            .Select(k => (string)k!).ToList();
        var index = await _redis.Db.SetMembersAsync($"{Options.Value.KeyPrefix}:{{{id.Tag}}}:u:user-hashed");

        var randomPart = id.Value[SessionId.TagLength..];
        Assert.All(keys, k => Assert.DoesNotContain(randomPart, k, StringComparison.Ordinal));
        Assert.Contains($"{Options.Value.KeyPrefix}:{{{id.Tag}}}:s:{id.Handle.Value}", keys);
        Assert.Equal([id.Handle.Value], index.Select(m => (string)m!).ToArray());
    }

    private async Task<long> IndexExpiresAtAsync(string indexKey) =>
        (long)await _redis.Db.ExecuteAsync("PEXPIRETIME", indexKey);

    private SessionRecord Record(string userId)
    {
        var now = Clock.GetUtcNow();
        return new SessionRecord { UserId = userId, UserName = userId, CreatedAt = now, AbsoluteExpiresAt = now.AddHours(8) };
    }
}

/// <summary>The same contract for the embedded in-process store, with the fake clock for both timeouts.</summary>
public sealed class InMemorySessionStoreContractTests : SessionStoreContract
{
    protected override Task<ISessionStore> CreateStoreAsync() =>
        Task.FromResult<ISessionStore>(new InMemorySessionStore(Options, Clock));

    // One process, one store: a second instance would hold other sessions, so the limit's cases use
    // a store of their own on the same clock (what they assert is within that store).
    protected override ISessionStore NewStore(ServerSessionOptions options) =>
        new InMemorySessionStore(Microsoft.Extensions.Options.Options.Create(options), Clock);

    protected override Task LetIdleTimeoutPassAsync()
    {
        Clock.Advance(IdleTimeout + TimeSpan.FromMilliseconds(300));
        return Task.CompletedTask;
    }

    protected override Task LetTimePassAsync(TimeSpan span)
    {
        Clock.Advance(span);
        return Task.CompletedTask;
    }
}
