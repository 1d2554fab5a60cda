using Microsoft.Extensions.Time.Testing;
using SessionAuth.Web.Accounts.Passkeys;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tests.Infrastructure;
using StackExchange.Redis;

namespace SessionAuth.Web.Tests.Accounts.Passkeys;

/// <summary>The passkey ceremony store's contract: a record is taken once, and not at all once its lifetime has passed.</summary>
public abstract class PasskeyCeremonyStoreContract : IAsyncLifetime
{
    protected static readonly TimeSpan ShortLife = TimeSpan.FromMilliseconds(400);

    protected IPasskeyCeremonyStore Store { get; private set; } = null!;

    protected abstract Task<IPasskeyCeremonyStore> CreateStoreAsync();

    protected abstract Task LetTimePassAsync(TimeSpan span);

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ARecordIsTakenOnceAndThenIsGone()
    {
        await Store.PutAsync("handle-one", "assertion", "{\"challenge\":\"abc\"}", TimeSpan.FromMinutes(1), CancellationToken.None);

        var first = await Store.TakeAsync("handle-one", CancellationToken.None);
        var second = await Store.TakeAsync("handle-one", CancellationToken.None);

        Assert.Equal(("assertion", "{\"challenge\":\"abc\"}"), first);
        Assert.Null(second);
    }

    [Fact]
    public async Task TwoConcurrentTakesOfOneRecordGetItOnceBetweenThem()
    {
        await Store.PutAsync("raced", "attestation", "state", TimeSpan.FromMinutes(1), CancellationToken.None);

        var takes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Store.TakeAsync("raced", CancellationToken.None)));

        Assert.Single(takes, t => t is not null);
    }

    [Fact]
    public async Task ARecordPastItsLifetimeIsNotTaken()
    {
        await Store.PutAsync("short", "assertion", "state", ShortLife, CancellationToken.None);

        await LetTimePassAsync(ShortLife + TimeSpan.FromMilliseconds(300));

        Assert.Null(await Store.TakeAsync("short", CancellationToken.None));
    }

    [Fact]
    public async Task AnUnknownHandleFindsNothing()
    {
        await Store.PutAsync("known", "assertion", "state", TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Null(await Store.TakeAsync("unknown", CancellationToken.None));
        Assert.NotNull(await Store.TakeAsync("known", CancellationToken.None));
    }
}

public sealed class RedisPasskeyCeremonyStoreContractTests : PasskeyCeremonyStoreContract
{
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _connection = null!;

    protected override async Task<IPasskeyCeremonyStore> CreateStoreAsync()
    {
        _redis = await RedisServer.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        return new RedisPasskeyCeremonyStore(_connection, Microsoft.Extensions.Options.Options.Create(new ServerSessionOptions()));
    }

    protected override Task LetTimePassAsync(TimeSpan span) => Task.Delay(span);

    [Fact]
    public async Task RedisHoldsAHashOfTheHandleWithAnExpiryAndNeverTheHandle()
    {
        const string handle = "a-handle-only-the-browser-holds";

        await Store.PutAsync(handle, "assertion", "state", TimeSpan.FromMinutes(5), CancellationToken.None);

        var key = Assert.Single(_redis.Admin.GetServers()[0].Keys(pattern: "sa:pk:*"));
        Assert.DoesNotContain(handle, key.ToString(), StringComparison.Ordinal);
        var ttl = await _redis.Db.KeyTimeToLiveAsync(key);
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
    }

    public override async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
    }
}

public sealed class InMemoryPasskeyCeremonyStoreContractTests : PasskeyCeremonyStoreContract
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    protected override Task<IPasskeyCeremonyStore> CreateStoreAsync() =>
        Task.FromResult<IPasskeyCeremonyStore>(new InMemoryPasskeyCeremonyStore(_clock));

    protected override Task LetTimePassAsync(TimeSpan span)
    {
        _clock.Advance(span);
        return Task.CompletedTask;
    }
}
