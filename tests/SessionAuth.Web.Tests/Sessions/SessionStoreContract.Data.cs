using System.Text;
using Microsoft.AspNetCore.Http;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Tests.Sessions;

/// <summary>
/// The session's HttpContext.Session data, on every store: it rides with the record, merges by key, is
/// bounded, keeps the session's expiry and ends with the session.
/// </summary>
public abstract partial class SessionStoreContract
{
    private const int Limit = 256;

    [Fact]
    public async Task CommittedDataReadsBackWithTheRecordAndANewSessionHasNone()
    {
        var (id, record) = NewSession("user-data");
        await Store.CreateAsync(id, record);
        Assert.True((await Store.GetAndTouchAsync(id))!.Data.IsEmpty);

        var outcome = await Store.CommitDataAsync(id, Set(("theme", "dark"), ("zone", "Europe/Paris")), Limit);

        Assert.Equal(SessionDataCommit.Stored, outcome.Outcome);
        var read = await Store.GetAndTouchAsync(id);
        Assert.Equal(new Dictionary<string, string> { ["theme"] = "dark", ["zone"] = "Europe/Paris" }, DataOf(read!));
        Assert.Equal(record with { Roles = [], Claims = [] }, read! with { Roles = [], Claims = [], Data = default });
        var (other, otherRecord) = NewSession("user-data");
        await Store.CreateAsync(other, otherRecord);
        Assert.Empty(DataOf((await Store.GetAndTouchAsync(other))!));
    }

    [Fact]
    public async Task CommitsMergeByKeyRemovalsAndClearIncludedAndTheSameKeyIsLastWriterWins()
    {
        var (id, record) = NewSession("user-merge");
        await Store.CreateAsync(id, record);

        await Store.CommitDataAsync(id, Set(("a", "1"), ("b", "1"), ("c", "1")), Limit);
        await Store.CommitDataAsync(id, Set(("b", "2"), ("d", "2")), Limit);
        await Store.CommitDataAsync(id, new SessionDataChanges(false, new Dictionary<string, byte[]?> { ["c"] = null, ["gone-already"] = null }), Limit);

        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2", ["d"] = "2" }, DataOf((await Store.GetAndTouchAsync(id))!));

        await Store.CommitDataAsync(id, new SessionDataChanges(true, new Dictionary<string, byte[]?> { ["e"] = Bytes("3") }), Limit);
        Assert.Equal(new Dictionary<string, string> { ["e"] = "3" }, DataOf((await Store.GetAndTouchAsync(id))!));

        await Store.CommitDataAsync(id, new SessionDataChanges(true, new Dictionary<string, byte[]?>()), Limit);
        Assert.True((await Store.GetAndTouchAsync(id))!.Data.IsEmpty);
    }

    [Fact]
    public async Task ParallelCommitsOfDifferentKeysBothPersistInEachOfAHundredRounds()
    {
        var (id, record) = NewSession("user-parallel");
        await Store.CreateAsync(id, record);

        for (var round = 0; round < 100; round++)
        {
            var value = round.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Task.WhenAll(
                Task.Run(() => Store.CommitDataAsync(id, Set(("theme", "t" + value)), Limit)),
                Task.Run(() => Store.CommitDataAsync(id, Set(("zone", "z" + value)), Limit)));

            var data = DataOf((await Store.GetAndTouchAsync(id))!);
            Assert.Equal("t" + value, data.GetValueOrDefault("theme"));
            Assert.Equal("z" + value, data.GetValueOrDefault("zone"));
        }
    }

    [Fact]
    public async Task ACommitNeverRevivesAnEndedSession()
    {
        var (id, record) = NewSession("user-ended-data");
        await Store.CreateAsync(id, record);
        await Store.CommitDataAsync(id, Set(("theme", "dark")), Limit);

        Assert.NotNull(await Store.RemoveAsync(id));
        var outcome = await Store.CommitDataAsync(id, Set(("zone", "UTC")), Limit);

        Assert.Equal(SessionDataCommit.SessionGone, outcome.Outcome);
        Assert.Null(await Store.GetAndTouchAsync(id));
        Assert.Empty(await Store.ListByUserAsync("user-ended-data"));
    }

    [Fact]
    public async Task ACommitNeitherExtendsTheSessionNorOutlivesItsIdleTimeout()
    {
        var (id, record) = NewSession("user-data-ttl");
        await Store.CreateAsync(id, record);

        await LetTimePassAsync(IdleTimeout * 0.6);
        Assert.Equal(SessionDataCommit.Stored, (await Store.CommitDataAsync(id, Set(("theme", "dark")), Limit)).Outcome);
        await LetTimePassAsync(IdleTimeout * 0.6);

        Assert.Null(await Store.GetAndTouchAsync(id));
        Assert.Equal(SessionDataCommit.SessionGone, (await Store.CommitDataAsync(id, Set(("theme", "light")), Limit)).Outcome);
    }

    [Fact]
    public async Task DataThatWouldPassTheLimitAfterTheMergeIsNotWrittenAndItsSizeIsTold()
    {
        var (id, record) = NewSession("user-data-limit");
        await Store.CreateAsync(id, record);
        await Store.CommitDataAsync(id, Set(("a", new string('x', 100))), Limit);

        var (outcome, size) = await Store.CommitDataAsync(id, Set(("b", new string('y', 200))), Limit);

        Assert.Equal(SessionDataCommit.TooLarge, outcome);
        Assert.Equal(1 + 100 + 1 + 200, size);
        Assert.Equal(new Dictionary<string, string> { ["a"] = new string('x', 100) }, DataOf((await Store.GetAndTouchAsync(id))!));
        // Exactly at the limit is allowed; a multi-byte key counts its UTF-8 bytes.
        Assert.Equal(SessionDataCommit.Stored, (await Store.CommitDataAsync(id, Set(("é", new string('y', Limit - 101 - 2))), Limit)).Outcome);
    }

    [Fact]
    public async Task ReValidationsUpdateAndReStampingKeepTheStoredData()
    {
        var (id, record) = NewSession("user-data-update");
        await Store.CreateAsync(id, record);
        var before = await Store.GetAndTouchAsync(id);
        await Store.CommitDataAsync(id, Set(("theme", "dark")), Limit);

        // The record as read before the commit: its (empty) data must not overwrite the stored one.
        Assert.True(await Store.UpdateAsync(id, before! with { ValidatedAt = Clock.GetUtcNow() }));
        Assert.Equal(1, await Store.RestampAllByUserAsync("user-data-update", "STAMP", "NEW-STAMP"));

        var read = await Store.GetAndTouchAsync(id);
        Assert.Equal("NEW-STAMP", read!.SecurityStamp);
        Assert.NotNull(read.ValidatedAt);
        Assert.Equal(new Dictionary<string, string> { ["theme"] = "dark" }, DataOf(read));
    }

    [Fact]
    public async Task EndingSessionsEndsTheirData()
    {
        const string user = "user-data-ends";
        var ids = new List<SessionId>();
        for (var i = 0; i < 3; i++)
        {
            var (id, record) = NewSession(user);
            await Store.CreateAsync(id, record);
            await Store.CommitDataAsync(id, Set(("theme", "dark")), Limit);
            ids.Add(id);
        }

        await Store.RemoveByHandleAsync(user, ids[0].Handle);
        await Store.RemoveAllByUserAsync(user, except: ids[2]);

        Assert.Equal(SessionDataCommit.SessionGone, (await Store.CommitDataAsync(ids[0], Set(("x", "1")), Limit)).Outcome);
        Assert.Equal(SessionDataCommit.SessionGone, (await Store.CommitDataAsync(ids[1], Set(("x", "1")), Limit)).Outcome);
        Assert.Equal(new Dictionary<string, string> { ["theme"] = "dark" }, DataOf((await Store.GetAndTouchAsync(ids[2]))!));
        Assert.All((await Store.ListByUserAsync(user)).Select(s => s.Handle), handle => Assert.Equal(ids[2].Handle, handle));
    }

    [Fact]
    public async Task HttpContextSessionBehavesAsTheFrameworkDocumentsItOnThisStore()
    {
        var (id, record) = NewSession("user-isession");
        await Store.CreateAsync(id, record);
        var session = SessionData(id, ReadOnlyMemory<byte>.Empty);

        await session.LoadAsync();
        Assert.True(session.IsAvailable);
        Assert.Equal(id.Handle.Value, session.Id);
        Assert.Empty(session.Keys);
        Assert.Null(session.GetString("theme"));
        session.SetString("theme", "dark");
        session.SetInt32("count", 7);
        session.Set("bytes", [0, 1, 255]);
        session.SetString("gone", "soon");
        session.Remove("gone");
        Assert.Equal("dark", session.GetString("theme"));
        Assert.Equal(["bytes", "count", "theme"], session.Keys.Order(StringComparer.Ordinal));
        await session.CommitAsync();

        // The next request reads it from the record its one store read returned.
        var next = SessionData(id, (await Store.GetAndTouchAsync(id))!.Data);
        Assert.Equal("dark", next.GetString("theme"));
        Assert.Equal(7, next.GetInt32("count"));
        Assert.Equal(new byte[] { 0, 1, 255 }, next.Get("bytes"));
        Assert.False(next.TryGetValue("gone", out _));
        next.Clear();
        Assert.Empty(next.Keys);
        next.SetString("after-clear", "yes");
        await next.CommitAsync();

        var last = SessionData(id, (await Store.GetAndTouchAsync(id))!.Data);
        Assert.Equal(["after-clear"], last.Keys);
    }

    [Fact]
    public async Task ASetPastTheLimitThrowsAtOnceAndChangesNothing()
    {
        var (id, record) = NewSession("user-isession-limit");
        await Store.CreateAsync(id, record);
        var session = SessionData(id, ReadOnlyMemory<byte>.Empty);
        session.SetString("a", new string('x', 200));

        var error = Assert.Throws<SessionDataTooLargeException>(() => session.SetString("b", new string('y', 100)));

        Assert.Equal(1 + 200 + 1 + 100, error.Size);
        Assert.Equal(Limit, error.Limit);
        Assert.Contains("Sessions:MaxDataBytes", error.Message, StringComparison.Ordinal);
        Assert.Equal(["a"], session.Keys);
        await session.CommitAsync();
        Assert.Equal(["a"], DataOf((await Store.GetAndTouchAsync(id))!).Keys);
    }

    [Fact]
    public async Task CommitAsyncThrowsWhenAParallelRequestFilledTheDataMeanwhile()
    {
        var (id, record) = NewSession("user-isession-merge-limit");
        await Store.CreateAsync(id, record);
        var first = SessionData(id, ReadOnlyMemory<byte>.Empty);
        var second = SessionData(id, ReadOnlyMemory<byte>.Empty);
        first.SetString("a", new string('x', 200));
        second.SetString("b", new string('y', 200));
        await first.CommitAsync();

        await Assert.ThrowsAsync<SessionDataTooLargeException>(() => second.CommitAsync());

        Assert.Equal(["a"], DataOf((await Store.GetAndTouchAsync(id))!).Keys);
    }

    /// <summary>HttpContext.Session as a request of <paramref name="id"/> whose store read returned <paramref name="data"/> has it.</summary>
    private ServerSessionData SessionData(SessionId id, ReadOnlyMemory<byte> data) =>
        new ServerSessionData(new DefaultHttpContext(), id, data, Store, Limit);

    private static SessionDataChanges Set(params (string Key, string Value)[] entries) =>
        new(false, entries.ToDictionary(e => e.Key, e => (byte[]?)Bytes(e.Value), StringComparer.Ordinal));

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static Dictionary<string, string> DataOf(SessionRecord record) =>
        SessionDataFormat.Parse(record.Data.Span).ToDictionary(e => e.Key, e => Encoding.UTF8.GetString(e.Value));
}
