using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Tests.Sessions;

/// <summary>
/// What every session store promises. Each implementation runs these same cases; absolute expiry
/// is driven by a <see cref="FakeTimeProvider"/>, idle expiry by the store's own clock.
/// </summary>
public abstract partial class SessionStoreContract : IAsyncLifetime
{
    // Two seconds: Redis expires keys in real time, and a loaded machine needs slack between reads.
    protected static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(2);

    protected FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected IOptions<ServerSessionOptions> Options { get; } = Microsoft.Extensions.Options.Options.Create(new ServerSessionOptions
    {
        IdleTimeout = IdleTimeout,
        AbsoluteTimeout = TimeSpan.FromHours(8),
        KeyPrefix = $"contract-{Guid.NewGuid():N}",
    });

    protected ISessionStore Store { get; private set; } = null!;

    protected abstract Task<ISessionStore> CreateStoreAsync();

    /// <summary>Another store on the same backend (same clock), with other settings, e.g. a session limit.</summary>
    protected abstract ISessionStore NewStore(ServerSessionOptions options);

    private ISessionStore StoreWithLimit(int maxPerUser) => NewStore(new ServerSessionOptions
    {
        IdleTimeout = Options.Value.IdleTimeout,
        AbsoluteTimeout = Options.Value.AbsoluteTimeout,
        KeyPrefix = Options.Value.KeyPrefix,
        MaxPerUser = maxPerUser,
    });

    /// <summary>Lets more than <see cref="IdleTimeout"/> pass for the store's idle expiry.</summary>
    protected abstract Task LetIdleTimeoutPassAsync();

    /// <summary>Lets part of the idle timeout pass, as a request gap shorter than it would (the clock moves on as much).</summary>
    protected abstract Task LetTimePassAsync(TimeSpan span);

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ACreatedSessionReadsBackWithEveryField()
    {
        var (id, record) = NewSession("user-1", roles: ["admin", "ops"], persistent: true);

        await Store.CreateAsync(id, record);
        var read = await Store.GetAndTouchAsync(id);

        Assert.NotNull(read);
        Assert.Equal(record with { Roles = [], Claims = [] }, read with { Roles = [], Claims = [] });
        Assert.Equal(record.Roles, read.Roles);
        Assert.Equal(record.Claims, read.Claims);
    }

    [Fact]
    public async Task AnUnknownSessionIsNull()
    {
        Assert.Null(await Store.GetAndTouchAsync(SessionId.New("nobody")));
        Assert.Null(await Store.RemoveAsync(SessionId.New("nobody")));
    }

    [Fact]
    public async Task RemovingEndsTheSessionOnceAndDropsItFromTheUsersList()
    {
        var (id, record) = NewSession("user-remove");
        await Store.CreateAsync(id, record);

        var removed = await Store.RemoveAsync(id);

        Assert.Equal(record.UserId, removed?.UserId);
        Assert.Null(await Store.GetAndTouchAsync(id));
        Assert.Null(await Store.RemoveAsync(id));
        Assert.Empty(await Store.ListByUserAsync("user-remove"));
    }

    [Fact]
    public async Task CountingGivesEachUsersLiveSessionsInTheOrderAskedLeavingOutEndedOnes()
    {
        var kept = NewSession("user-count-a");
        var ended = NewSession("user-count-a");
        await Store.CreateAsync(kept.Id, kept.Record);
        await Store.CreateAsync(ended.Id, ended.Record);
        await Store.CreateAsync(NewSession("user-count-b").Id, NewSession("user-count-b").Record);
        await Store.RemoveAsync(ended.Id);

        var counts = await Store.CountByUsersAsync(["user-count-b", "user-count-nobody", "user-count-a"]);

        Assert.Equal([1, 0, 1], counts);
        Assert.Empty(await Store.CountByUsersAsync([]));
    }

    [Fact]
    public async Task CountingLeavesOutIdleExpiredSessions()
    {
        var (id, record) = NewSession("user-count-idle");
        await Store.CreateAsync(id, record);

        await LetIdleTimeoutPassAsync();

        Assert.Equal([0], await Store.CountByUsersAsync(["user-count-idle"]));
    }

    [Fact]
    public async Task AnUntouchedSessionEndsAfterTheIdleTimeout()
    {
        var (id, record) = NewSession("user-idle");
        await Store.CreateAsync(id, record);

        await LetIdleTimeoutPassAsync();

        Assert.Null(await Store.GetAndTouchAsync(id));
        Assert.Empty(await Store.ListByUserAsync("user-idle"));
    }

    [Fact]
    public async Task APersistentSessionSlidesByThePersistentIdleTimeoutAndABrowserSessionByTheShortOne()
    {
        var store = NewStore(new ServerSessionOptions
        {
            IdleTimeout = Options.Value.IdleTimeout,
            PersistentIdleTimeout = IdleTimeout * 4,
            AbsoluteTimeout = Options.Value.AbsoluteTimeout,
            KeyPrefix = Options.Value.KeyPrefix,
        });
        var (persistentId, persistent) = NewSession("user-persistent", persistent: true);
        var (browserId, browser) = NewSession("user-persistent");
        // An id made before ids carried the persistence bit, for a persistent session.
        var legacyId = SessionId.New("user-persistent");
        await store.CreateAsync(persistentId, persistent);
        await store.CreateAsync(browserId, browser);
        await store.CreateAsync(legacyId, persistent);
        Assert.NotNull(await store.GetAndTouchAsync(persistentId));
        Assert.NotNull(await store.GetAndTouchAsync(browserId));
        Assert.NotNull(await store.GetAndTouchAsync(legacyId));

        await LetIdleTimeoutPassAsync();

        Assert.NotNull(await store.GetAndTouchAsync(persistentId));
        Assert.NotNull(await store.GetAndTouchAsync(legacyId));
        Assert.Null(await store.GetAndTouchAsync(browserId));
        var listed = (await store.ListByUserAsync("user-persistent")).ToDictionary(s => s.Handle);
        var slack = TimeSpan.FromMilliseconds(500);
        Assert.InRange(listed[persistentId.Handle].EndsAt - listed[persistentId.Handle].LastActiveAt, IdleTimeout * 4 - slack, IdleTimeout * 4);
    }

    [Fact]
    public async Task ABrowserSignInAfterAKeepMeSignedInOneLeavesThePersistentSessionListedAndRevocableAfterTheBrowserOneEnds()
    {
        const string user = "user-keep-then-browser";
        var (store, persistent, browser) = await KeepMeSignedInThenABrowserSignInAsync(user);

        Assert.Null(await store.GetAndTouchAsync(browser));
        Assert.Equal([persistent.Handle], (await store.ListByUserAsync(user)).Select(s => s.Handle).ToArray());
        // "Sign out other sessions" from a new sign-in ends the persistent one.
        var (current, currentRecord) = NewSession(user);
        await store.CreateAsync(current, currentRecord);
        Assert.Equal(1, await store.RemoveAllByUserAsync(user, except: current));
        Assert.Null(await store.GetAndTouchAsync(persistent));
        Assert.Equal([current.Handle], (await store.ListByUserAsync(user)).Select(s => s.Handle).ToArray());
    }

    [Fact]
    public async Task ABrowserSignInAfterAKeepMeSignedInOneLeavesThePersistentSessionToSignOutEverywhereAndRestamping()
    {
        const string user = "user-keep-then-browser-all";
        var (store, persistent, _) = await KeepMeSignedInThenABrowserSignInAsync(user);

        Assert.Equal(1, await store.RestampAllByUserAsync(user, "STAMP", "NEW-STAMP"));
        Assert.Equal(1, await store.RemoveAllByUserAsync(user));
        Assert.Null(await store.GetAndTouchAsync(persistent));
        Assert.Empty(await store.ListByUserAsync(user));
    }

    /// <summary>
    /// A "Keep me signed in" session, then a browser session of the same user that ends (absolute) well
    /// before the idle timeout the method then waits out; the persistent one lives far longer.
    /// </summary>
    private async Task<(ISessionStore Store, SessionId Persistent, SessionId Browser)> KeepMeSignedInThenABrowserSignInAsync(string user)
    {
        var store = NewStore(PersistentOptions());
        var (persistent, persistentRecord) = PersistentSession(user);
        var (browser, browserRecord) = NewSession(user);
        browserRecord = browserRecord with { AbsoluteExpiresAt = browserRecord.CreatedAt + IdleTimeout * 0.5 };
        await store.CreateAsync(persistent, persistentRecord);
        await store.CreateAsync(browser, browserRecord);

        await LetIdleTimeoutPassAsync();
        return (store, persistent, browser);
    }

    [Fact]
    public async Task EachReadSlidesTheIdleExpiry()
    {
        var (id, record) = NewSession("user-slide");
        await Store.CreateAsync(id, record);

        for (var i = 0; i < 4; i++)
        {
            await LetTimePassAsync(IdleTimeout * 0.5);
            Assert.NotNull(await Store.GetAndTouchAsync(id));
        }
    }

    [Fact]
    public async Task AnActiveSessionEndsAtItsAbsoluteExpiry()
    {
        var (id, record) = NewSession("user-absolute");
        await Store.CreateAsync(id, record);
        Assert.NotNull(await Store.GetAndTouchAsync(id));

        Clock.Advance(TimeSpan.FromHours(8));

        Assert.Null(await Store.GetAndTouchAsync(id));
        Assert.Null(await Store.RemoveAsync(id));
        Assert.Empty(await Store.ListByUserAsync("user-absolute"));
    }

    [Fact]
    public async Task ListingShowsOnlyTheUsersLiveSessionsNewestFirstWithoutTouchingOthers()
    {
        var (older, olderRecord) = NewSession("user-list");
        await Store.CreateAsync(older, olderRecord);
        Clock.Advance(TimeSpan.FromMilliseconds(10));
        var (newer, newerRecord) = NewSession("user-list");
        await Store.CreateAsync(newer, newerRecord);
        var (ended, endedRecord) = NewSession("user-list");
        await Store.CreateAsync(ended, endedRecord);
        await Store.RemoveAsync(ended);
        var (other, otherRecord) = NewSession("someone-else");
        await Store.CreateAsync(other, otherRecord);

        var listed = await Store.ListByUserAsync("user-list");

        Assert.Equal([newer.Handle, older.Handle], listed.Select(s => s.Handle).ToArray());
        Assert.All(listed, s => Assert.Equal("user-list", s.Record.UserId));
    }

    [Fact]
    public async Task RemovingAllOfAUsersSessionsCanKeepTheCurrentOneAndLeavesOtherUsersAlone()
    {
        var sessions = new List<SessionId>();
        for (var i = 0; i < 5; i++)
        {
            var (id, record) = NewSession("user-all");
            await Store.CreateAsync(id, record);
            sessions.Add(id);
        }

        var (other, otherRecord) = NewSession("user-bystander");
        await Store.CreateAsync(other, otherRecord);

        var removed = await Store.RemoveAllByUserAsync("user-all", except: sessions[2]);

        Assert.Equal(4, removed);
        Assert.Equal([sessions[2].Handle], (await Store.ListByUserAsync("user-all")).Select(s => s.Handle).ToArray());
        Assert.NotNull(await Store.GetAndTouchAsync(sessions[2]));
        Assert.Null(await Store.GetAndTouchAsync(sessions[0]));
        Assert.NotNull(await Store.GetAndTouchAsync(other));
        Assert.Equal(1, await Store.RemoveAllByUserAsync("user-all"));
        Assert.Empty(await Store.ListByUserAsync("user-all"));
    }

    [Fact]
    public async Task AListedSessionIsNamedByAHandleThatIsAOneWayHashOfItsId()
    {
        var (id, record) = NewSession("user-handle");
        await Store.CreateAsync(id, record);

        var listed = Assert.Single(await Store.ListByUserAsync("user-handle"));

        Assert.Equal(id.Handle, listed.Handle);
        Assert.Equal(SessionHandle.Length, listed.Handle.Value.Length);
        Assert.DoesNotContain(id.Value, listed.Handle.Value, StringComparison.Ordinal);
        Assert.DoesNotContain(id.Value[SessionId.TagLength..], listed.Handle.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EndingASessionByItsHandleEndsThatOneOnly()
    {
        var (kept, keptRecord) = NewSession("user-by-handle");
        var (ended, endedRecord) = NewSession("user-by-handle");
        await Store.CreateAsync(kept, keptRecord);
        await Store.CreateAsync(ended, endedRecord);

        var removed = await Store.RemoveByHandleAsync("user-by-handle", ended.Handle);

        Assert.Equal("user-by-handle", removed?.UserId);
        Assert.Null(await Store.GetAndTouchAsync(ended));
        Assert.NotNull(await Store.GetAndTouchAsync(kept));
        Assert.Equal([kept.Handle], (await Store.ListByUserAsync("user-by-handle")).Select(s => s.Handle).ToArray());
        Assert.Null(await Store.RemoveByHandleAsync("user-by-handle", ended.Handle));
    }

    [Fact]
    public async Task AHandleEndsNothingWhenGivenWithAnotherUser()
    {
        var (victim, victimRecord) = NewSession("user-victim");
        await Store.CreateAsync(victim, victimRecord);

        var removed = await Store.RemoveByHandleAsync("user-attacker", victim.Handle);

        Assert.Null(removed);
        Assert.NotNull(await Store.GetAndTouchAsync(victim));
    }

    [Fact]
    public async Task AnIdleExpiredSessionCannotBeEndedByHandle()
    {
        var (id, record) = NewSession("user-handle-idle");
        await Store.CreateAsync(id, record);

        await LetIdleTimeoutPassAsync();

        Assert.Null(await Store.RemoveByHandleAsync("user-handle-idle", id.Handle));
    }

    [Fact]
    public async Task SessionIdsOfOneUserShareATagAndDifferInTheirRandomPart()
    {
        var ids = Enumerable.Range(0, 100).Select(_ => SessionId.New("user-tag")).ToList();

        Assert.Single(ids.Select(id => id.Tag).Distinct());
        Assert.Equal(100, ids.Select(id => id.Value).Distinct().Count());
        Assert.NotEqual(SessionId.New("user-tag").Tag, SessionId.New("another-user").Tag);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task TwentyParallelSignInsOfOneUserAtALimitOfThreeLeaveExactlyThree()
    {
        var store = StoreWithLimit(3);
        var sessions = Enumerable.Range(0, 20).Select(_ => NewSession("user-racing")).ToList();

        var evicted = await Task.WhenAll(sessions.Select(s => Task.Run(() => store.CreateAsync(s.Id, s.Record))));

        var listed = await store.ListByUserAsync("user-racing");
        Assert.Equal(3, listed.Count);
        Assert.Equal(17, evicted.Sum(e => e.Count));
        Assert.Equal(3, (await Task.WhenAll(sessions.Select(s => store.GetAndTouchAsync(s.Id)))).Count(r => r is not null));
        Assert.Empty(evicted.SelectMany(e => e).Select(e => e.Handle).Intersect(listed.Select(s => s.Handle)));
    }

    [Fact]
    public async Task AtTheLimitAPersistentSessionIdleLongerEndsBeforeABrowserSessionUsedSince()
    {
        var store = StoreWithLimit(2);
        var (persistent, persistentRecord) = NewSession("user-limit-mixed", persistent: true);
        var (browser, browserRecord) = NewSession("user-limit-mixed");
        await store.CreateAsync(persistent, persistentRecord);
        await store.CreateAsync(browser, browserRecord);

        // The persistent session has far more time to live left, but was used less recently.
        await LetTimePassAsync(IdleTimeout * 0.3);
        Assert.NotNull(await store.GetAndTouchAsync(browser));
        var (newest, newestRecord) = NewSession("user-limit-mixed");
        var evicted = await store.CreateAsync(newest, newestRecord);

        Assert.Equal(persistent.Handle, Assert.Single(evicted).Handle);
        Assert.NotNull(await store.GetAndTouchAsync(browser));
    }

    [Fact]
    public async Task ASignInAtTheLimitEndsTheLeastRecentlyActiveSessionAndSaysWhich()
    {
        var store = StoreWithLimit(3);
        var sessions = new List<SessionId>();
        for (var i = 0; i < 3; i++)
        {
            var (id, record) = NewSession("user-limit");
            Assert.Empty(await store.CreateAsync(id, record));
            sessions.Add(id);
        }

        // The oldest sign-in stays busy; the second one is the least recently active.
        await LetTimePassAsync(IdleTimeout * 0.3);
        Assert.NotNull(await store.GetAndTouchAsync(sessions[0]));
        Assert.NotNull(await store.GetAndTouchAsync(sessions[2]));
        var (newest, newestRecord) = NewSession("user-limit");
        var evicted = await store.CreateAsync(newest, newestRecord);

        var ended = Assert.Single(evicted);
        Assert.Equal(sessions[1].Handle, ended.Handle);
        Assert.Equal("user-limit", ended.Record.UserId);
        Assert.Null(await store.GetAndTouchAsync(sessions[1]));
        Assert.Equal(
            new[] { sessions[0], sessions[2], newest }.Select(id => id.Handle.Value).Order(StringComparer.Ordinal),
            (await store.ListByUserAsync("user-limit")).Select(s => s.Handle.Value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task NoLimitByDefault()
    {
        for (var i = 0; i < 12; i++)
        {
            var (id, record) = NewSession("user-unlimited");
            Assert.Empty(await Store.CreateAsync(id, record));
        }

        Assert.Equal(12, (await Store.ListByUserAsync("user-unlimited")).Count);
    }

    [Fact]
    public async Task ListingTellsWhenEachSessionWasLastActiveAndWhenItEnds()
    {
        var (busy, busyRecord) = NewSession("user-active");
        var (quiet, quietRecord) = NewSession("user-active");
        await Store.CreateAsync(busy, busyRecord);
        await Store.CreateAsync(quiet, quietRecord);

        await LetTimePassAsync(IdleTimeout * 0.5);
        Assert.NotNull(await Store.GetAndTouchAsync(busy));
        var listed = (await Store.ListByUserAsync("user-active")).ToDictionary(s => s.Handle);

        // Slack for a loaded machine: Redis counts the TTL down in real time while the test goes on.
        var slack = TimeSpan.FromMilliseconds(500);
        Assert.InRange(listed[busy.Handle].LastActiveAt - listed[quiet.Handle].LastActiveAt, IdleTimeout * 0.5 - slack, IdleTimeout * 0.5 + slack);
        Assert.InRange(listed[quiet.Handle].LastActiveAt, quietRecord.CreatedAt, quietRecord.CreatedAt + slack);
        Assert.InRange(listed[busy.Handle].EndsAt - listed[busy.Handle].LastActiveAt, IdleTimeout - slack, IdleTimeout);
    }

    [Fact]
    public async Task EndsAtIsTheAbsoluteExpiryWhenThatComesFirst()
    {
        var (id, record) = NewSession("user-ends");
        record = record with { AbsoluteExpiresAt = record.CreatedAt + IdleTimeout * 0.5 };
        await Store.CreateAsync(id, record);

        var listed = Assert.Single(await Store.ListByUserAsync("user-ends"));

        Assert.InRange(listed.EndsAt, record.AbsoluteExpiresAt - TimeSpan.FromMilliseconds(300), record.AbsoluteExpiresAt);
    }

    [Fact]
    public async Task AnUpdateWritesTheRecordButNeitherExtendsNorRevivesTheSession()
    {
        var (id, record) = NewSession("user-update");
        await Store.CreateAsync(id, record);
        var validatedAt = Clock.GetUtcNow().AddMinutes(1);

        Assert.True(await Store.UpdateAsync(id, record with { ValidatedAt = validatedAt }));
        Assert.Equal(validatedAt, (await Store.GetAndTouchAsync(id))?.ValidatedAt);

        await LetTimePassAsync(IdleTimeout * 0.6);
        Assert.True(await Store.UpdateAsync(id, record with { ValidatedAt = validatedAt.AddMinutes(1) }));
        await LetTimePassAsync(IdleTimeout * 0.6);
        Assert.Null(await Store.GetAndTouchAsync(id));

        Assert.False(await Store.UpdateAsync(id, record));
        Assert.Null(await Store.GetAndTouchAsync(id));
    }

    [Fact]
    public async Task RestampingSetsTheNewStampOnEveryLiveSessionOfTheUserOnTheReplacedStampAndNoOneElses()
    {
        var (a, aRecord) = NewSession("user-restamp");
        var (b, bRecord) = NewSession("user-restamp");
        var (stale, staleRecord) = NewSession("user-restamp");
        var (other, otherRecord) = NewSession("user-not-restamped");
        await Store.CreateAsync(a, aRecord);
        await Store.CreateAsync(b, bRecord);
        await Store.CreateAsync(stale, staleRecord with { SecurityStamp = "OLDER-STAMP" });
        await Store.CreateAsync(other, otherRecord);

        var count = await Store.RestampAllByUserAsync("user-restamp", "STAMP", "NEW-STAMP");

        Assert.Equal(2, count);
        Assert.Equal("NEW-STAMP", (await Store.GetAndTouchAsync(a))?.SecurityStamp);
        Assert.Equal("NEW-STAMP", (await Store.GetAndTouchAsync(b))?.SecurityStamp);
        Assert.Equal("OLDER-STAMP", (await Store.GetAndTouchAsync(stale))?.SecurityStamp); // left to fail its next validation
        Assert.Equal("STAMP", (await Store.GetAndTouchAsync(other))?.SecurityStamp);
        Assert.Equal(0, await Store.RestampAllByUserAsync("user-restamp", "STAMP", "NEW-STAMP"));
    }

    /// <summary>Settings with "Keep me signed in" sessions that outlive <see cref="LetIdleTimeoutPassAsync"/>.</summary>
    protected ServerSessionOptions PersistentOptions() => new()
    {
        IdleTimeout = Options.Value.IdleTimeout,
        PersistentIdleTimeout = IdleTimeout * 4,
        AbsoluteTimeout = Options.Value.AbsoluteTimeout,
        PersistentAbsoluteTimeout = TimeSpan.FromDays(30),
        KeyPrefix = Options.Value.KeyPrefix,
    };

    /// <summary>A "Keep me signed in" session, ending (absolute) 30 days after it starts.</summary>
    protected (SessionId Id, SessionRecord Record) PersistentSession(string userId)
    {
        var (id, record) = NewSession(userId, persistent: true);
        return (id, record with { AbsoluteExpiresAt = record.CreatedAt + TimeSpan.FromDays(30) });
    }

    protected (SessionId Id, SessionRecord Record) NewSession(string userId, string[]? roles = null, bool persistent = false)
    {
        var now = Clock.GetUtcNow();
        var record = new SessionRecord
        {
            UserId = userId,
            UserName = $"{userId}@example.com",
            Email = $"{userId}@example.com",
            Roles = roles ?? [],
            Claims = [new SessionClaim("department", "research")],
            SecurityStamp = "STAMP",
            CreatedAt = now,
            AbsoluteExpiresAt = now + Options.Value.AbsoluteTimeout,
            IsPersistent = persistent,
            ClientIp = "203.0.113.7",
            UserAgent = "Contract/1.0",
        };
        return (SessionId.New(userId, persistent), record);
    }
}
