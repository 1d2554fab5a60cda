using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tokens;

namespace SessionAuth.Web.Tests.Tokens;

/// <summary>
/// What every refresh grant store promises; each implementation runs these same cases. Absolute expiry
/// is driven by a <see cref="FakeTimeProvider"/>, idle expiry by the store's own clock.
/// </summary>
public abstract class RefreshGrantStoreContract : IAsyncLifetime
{
    // Two seconds: Redis expires keys in real time, and a loaded machine needs slack between reads.
    protected static readonly TimeSpan IdleLifetime = TimeSpan.FromSeconds(2);
    protected static readonly TimeSpan AbsoluteLifetime = TimeSpan.FromHours(1);

    protected FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected IOptions<TokenOptions> TokenSettings { get; } = Options.Create(new TokenOptions
    {
        RefreshIdleLifetime = IdleLifetime,
        RefreshAbsoluteLifetime = AbsoluteLifetime,
    });

    protected IOptions<ServerSessionOptions> SessionSettings { get; } = Options.Create(new ServerSessionOptions
    {
        KeyPrefix = $"grants-{Guid.NewGuid():N}",
    });

    protected IRefreshGrantStore Store { get; private set; } = null!;

    protected abstract Task<IRefreshGrantStore> CreateStoreAsync();

    /// <summary>Lets more than <see cref="IdleLifetime"/> pass for the store's idle expiry.</summary>
    protected abstract Task LetIdleLifetimePassAsync();

    /// <summary>Lets part of the idle lifetime pass, as a gap between refreshes shorter than it.</summary>
    protected abstract Task LetTimePassAsync(TimeSpan span);

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected RefreshGrant NewGrant(string userId, string securityStamp = "stamp-at-sign-in") =>
        new(RefreshGrant.NewId(), userId, securityStamp, Clock.GetUtcNow(), "203.0.113.7", "curl/8.5.0");

    [Fact]
    public async Task TheCurrentTokenRotatesAndItsSuccessorWorks()
    {
        var grant = NewGrant("user-rotate");
        var first = await Store.CreateAsync(grant);

        var rotated = await Store.RotateAsync(first);
        var again = await Store.RotateAsync(rotated.Token!.Value);

        Assert.Equal(RefreshOutcome.Rotated, rotated.Outcome);
        Assert.Equal("user-rotate", rotated.UserId);
        Assert.Equal(grant.Id, rotated.GrantId);
        Assert.Equal("stamp-at-sign-in", rotated.SecurityStamp);
        Assert.Equal("stamp-at-sign-in", again.SecurityStamp);
        Assert.NotEqual(first, rotated.Token);
        Assert.Equal(RefreshOutcome.Rotated, again.Outcome);
        Assert.True(await Store.ExistsAsync("user-rotate", grant.Id));
    }

    [Fact]
    public async Task CountingGivesEachUsersLiveGrantsInTheOrderAskedLeavingOutEndedOnes()
    {
        await Store.CreateAsync(NewGrant("user-count-a"));
        var revoked = await Store.CreateAsync(NewGrant("user-count-a"));
        await Store.CreateAsync(NewGrant("user-count-b"));
        await Store.CreateAsync(NewGrant("user-count-b"));
        await Store.RevokeAsync(revoked);

        var counts = await Store.CountByUsersAsync(["user-count-b", "user-count-nobody", "user-count-a"]);

        Assert.Equal([2, 0, 1], counts);
    }

    [Fact]
    public async Task RestampMovesOnlyTheUsersGrantsThatCarryTheReplacedStamp()
    {
        var current = await Store.CreateAsync(NewGrant("user-restamp", "stamp-1"));
        var stale = await Store.CreateAsync(NewGrant("user-restamp", "stamp-0"));
        var stranger = await Store.CreateAsync(NewGrant("user-restamp-other", "stamp-1"));

        var moved = await Store.RestampAllByUserAsync("user-restamp", "stamp-1", "stamp-2");

        Assert.Equal(1, moved);
        Assert.Equal("stamp-2", (await Store.RotateAsync(current)).SecurityStamp);
        Assert.Equal("stamp-0", (await Store.RotateAsync(stale)).SecurityStamp);
        Assert.Equal("stamp-1", (await Store.RotateAsync(stranger)).SecurityStamp);
        Assert.Equal(0, await Store.RestampAllByUserAsync("user-nobody", "stamp-1", "stamp-2"));
    }

    [Fact]
    public async Task ReusingARotatedTokenEndsTheWholeGrantSoTheNewestTokenFailsToo()
    {
        var grant = NewGrant("user-reuse");
        var first = await Store.CreateAsync(grant);
        var newest = (await Store.RotateAsync(first)).Token!.Value;

        var reuse = await Store.RotateAsync(first);
        var afterwards = await Store.RotateAsync(newest);

        Assert.Equal(RefreshOutcome.Reused, reuse.Outcome);
        Assert.Equal("user-reuse", reuse.UserId);
        Assert.Equal(RefreshOutcome.Refused, afterwards.Outcome);
        Assert.False(await Store.ExistsAsync("user-reuse", grant.Id));
        Assert.Empty(await Store.ListByUserAsync("user-reuse"));
    }

    [Fact]
    public async Task TwentyParallelRefreshesWithOneTokenGiveExactlyOneSuccess()
    {
        var first = await Store.CreateAsync(NewGrant("user-race"));

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Store.RotateAsync(first))));

        var winner = Assert.Single(results, r => r.Outcome == RefreshOutcome.Rotated);
        Assert.All(results.Where(r => r != winner), r => Assert.NotEqual(RefreshOutcome.Rotated, r.Outcome));
        Assert.Contains(results, r => r.Outcome == RefreshOutcome.Reused);
        // The losers were reuse: the grant ended, so the winner's new token fails as well.
        Assert.Equal(RefreshOutcome.Refused, (await Store.RotateAsync(winner.Token!.Value)).Outcome);
    }

    [Fact]
    public async Task AForgedTokenForAGrantsHandleIsRefusedAndTheGrantLives()
    {
        var grant = NewGrant("user-forged");
        var real = await Store.CreateAsync(grant);
        var forged = RefreshToken.New(real.Tag, real.Handle);

        var result = await Store.RotateAsync(forged);

        Assert.Equal(RefreshOutcome.Refused, result.Outcome);
        Assert.Equal(RefreshOutcome.Rotated, (await Store.RotateAsync(real)).Outcome);
    }

    [Fact]
    public async Task AnUnusedGrantEndsAfterTheIdleLifetime()
    {
        var grant = NewGrant("user-idle");
        var token = await Store.CreateAsync(grant);

        await LetIdleLifetimePassAsync();

        Assert.Equal(RefreshOutcome.Refused, (await Store.RotateAsync(token)).Outcome);
        Assert.False(await Store.ExistsAsync("user-idle", grant.Id));
    }

    [Fact]
    public async Task EachRefreshSlidesTheIdleLifetime()
    {
        var token = await Store.CreateAsync(NewGrant("user-slide"));

        for (var i = 0; i < 3; i++)
        {
            await LetTimePassAsync(IdleLifetime * 0.6);
            var result = await Store.RotateAsync(token);
            Assert.Equal(RefreshOutcome.Rotated, result.Outcome);
            token = result.Token!.Value;
        }
    }

    [Fact]
    public async Task AGrantEndsAtTheAbsoluteLifetimeWhateverHappens()
    {
        var token = await Store.CreateAsync(NewGrant("user-absolute"));
        token = (await Store.RotateAsync(token)).Token!.Value;

        Clock.Advance(AbsoluteLifetime + TimeSpan.FromSeconds(1));

        Assert.Equal(RefreshOutcome.Refused, (await Store.RotateAsync(token)).Outcome);
        Assert.Empty(await Store.ListByUserAsync("user-absolute"));
    }

    [Fact]
    public async Task RevokingWithTheTokenEndsTheGrantAtOnce()
    {
        var grant = NewGrant("user-revoke");
        var token = await Store.CreateAsync(grant);

        Assert.True(await Store.RevokeAsync(token));

        Assert.Equal(RefreshOutcome.Refused, (await Store.RotateAsync(token)).Outcome);
        Assert.False(await Store.ExistsAsync("user-revoke", grant.Id));
        Assert.False(await Store.RevokeAsync(token));
    }

    [Fact]
    public async Task TheListShowsEachLiveGrantWithItsDeviceFactsButNeitherItsIdNorAToken()
    {
        var older = NewGrant("user-list");
        var olderToken = await Store.CreateAsync(older);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var newer = NewGrant("user-list") with { ClientIp = "198.51.100.9", UserAgent = "okhttp/4.12" };
        await Store.CreateAsync(newer);
        Clock.Advance(TimeSpan.FromMilliseconds(500));
        await Store.RotateAsync(olderToken);
        await Store.CreateAsync(NewGrant("someone-else"));

        var list = await Store.ListByUserAsync("user-list");

        Assert.Equal([newer.Handle, older.Handle], list.Select(g => g.Handle).ToArray());
        Assert.Equal(("okhttp/4.12", "198.51.100.9"), (list[0].UserAgent, list[0].ClientIp));
        Assert.Equal(newer.CreatedAt.ToUnixTimeMilliseconds(), list[0].CreatedAt.ToUnixTimeMilliseconds());
        Assert.Equal(older.CreatedAt.ToUnixTimeMilliseconds(), list[1].CreatedAt.ToUnixTimeMilliseconds());
        Assert.Equal(Clock.GetUtcNow().ToUnixTimeMilliseconds(), list[1].LastRefreshedAt.ToUnixTimeMilliseconds());
        Assert.All(list, g => Assert.NotEqual(older.Id, g.Handle.Value));
        Assert.DoesNotContain(olderToken.Value, list.Select(g => g.Handle.Value));
    }

    [Fact]
    public async Task AHandleEndsOnlyItsOwnUsersGrant()
    {
        var mine = NewGrant("user-own");
        var token = await Store.CreateAsync(mine);

        Assert.False(await Store.RevokeByHandleAsync("user-other", mine.Handle));
        Assert.False(await Store.RevokeByHandleAsync("user-own", GrantHandle.Of("no-such-grant")));
        Assert.Equal(RefreshOutcome.Rotated, (await Store.RotateAsync(token)).Outcome);

        Assert.True(await Store.RevokeByHandleAsync("user-own", mine.Handle));
        Assert.False(await Store.ExistsAsync("user-own", mine.Id));
        Assert.Empty(await Store.ListByUserAsync("user-own"));
    }

    [Fact]
    public async Task RevokeAllEndsEveryGrantOfTheUserAndNoOtherUsers()
    {
        var a = await Store.CreateAsync(NewGrant("user-all"));
        var b = await Store.CreateAsync(NewGrant("user-all"));
        var other = NewGrant("user-keeps");
        await Store.CreateAsync(other);

        var ended = await Store.RevokeAllByUserAsync("user-all");

        Assert.Equal(2, ended);
        Assert.Equal(RefreshOutcome.Refused, (await Store.RotateAsync(a)).Outcome);
        Assert.Equal(RefreshOutcome.Refused, (await Store.RotateAsync(b)).Outcome);
        Assert.True(await Store.ExistsAsync("user-keeps", other.Id));
        Assert.Equal(0, await Store.RevokeAllByUserAsync("user-all"));
    }

    [Fact]
    public async Task ARefreshTokenHasAtLeast256RandomBitsAndNamesItsUsersTag()
    {
        var token = await Store.CreateAsync(NewGrant("user-format"));
        var other = await Store.CreateAsync(NewGrant("user-format"));

        Assert.Equal(RefreshToken.Length, token.Value.Length);
        Assert.Equal(UserHashTag.Of("user-format"), token.Tag);
        // 44 base64url characters of secret after the tag and handle: 264 bits.
        Assert.True((token.Value.Length - UserHashTag.Length - GrantHandle.Length) * 6 >= 256);
        Assert.NotEqual(token.Value[^44..], other.Value[^44..]);
    }
}
