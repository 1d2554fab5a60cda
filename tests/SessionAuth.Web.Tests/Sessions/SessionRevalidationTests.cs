using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Sessions;

/// <summary>
/// Ending sessions on purpose and checking them again against the accounts database: a revoke is
/// immediate on every instance, and a copy of an ended session that Redis brings back (a replica that
/// missed the delete, a restored backup) dies at its next re-validation because the stamp moved on.
/// </summary>
public sealed class SessionRevalidationTests
{
    private static readonly Dictionary<string, string?> ShortValidation = new() { ["Sessions:ValidationInterval"] = "00:00:01" };

    private static readonly TimeSpan PastTheInterval = TimeSpan.FromMilliseconds(1300);

    [Fact]
    public async Task ARevokedSessionThatRedisBringsBackDiesAtTheNextValidationWhileTheOwnersOtherSessionLives()
    {
        await using var pair = await RedisAppPair.StartAsync(ShortValidation);
        var email = Emails.Unique("lost-delete");
        using var owner = pair.App.CreateAppClient();
        await owner.RegisterAndLoginAsync(email);
        var other = await SignInAsync(pair.App, email);
        var userId = (await AccountsDb.UserAsync(pair.App, email)).Id;
        var copy = await pair.Redis.Db.StringGetAsync(SessionKey(other.Id));

        Assert.True(await RevokeAsync(pair.App, userId, other.Id.Handle));
        Assert.Equal(HttpStatusCode.Redirect, (await GetDashboardAsync(pair.App, other.Cookie)).StatusCode);
        await BringBackAsync(pair.Redis, other.Id, userId, copy);
        await Task.Delay(PastTheInterval);

        var resurrected = await GetDashboardAsync(pair.App, other.Cookie);

        AssertSentToLogin(resurrected);
        Assert.False(await pair.Redis.Db.KeyExistsAsync(SessionKey(other.Id)));
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/Dashboard")).StatusCode); // re-stamped, so it passes
        Assert.Contains(pair.App.Logs.Entries, e => e.EventId.Id == 2010 && e.Message.Contains(nameof(SessionRejectionReason.SecurityStampChanged)));
    }

    [Fact]
    public async Task ASignedOutSessionThatRedisBringsBackDiesAtTheNextValidationToo()
    {
        await using var pair = await RedisAppPair.StartAsync(ShortValidation);
        var email = Emails.Unique("lost-logout");
        using var leaving = pair.App.CreateAppClient();
        var leavingCookie = await leaving.RegisterAndLoginAsync(email);
        var leavingId = IdOf(leavingCookie);
        var staying = await SignInAsync(pair.App, email);
        var userId = (await AccountsDb.UserAsync(pair.App, email)).Id;
        var copy = await pair.Redis.Db.StringGetAsync(SessionKey(leavingId));

        Assert.Equal(HttpStatusCode.Redirect, (await leaving.LogoutAsync()).StatusCode);
        await BringBackAsync(pair.Redis, leavingId, userId, copy);
        await Task.Delay(PastTheInterval);

        AssertSentToLogin(await GetDashboardAsync(pair.App, leavingCookie));
        Assert.Equal(HttpStatusCode.OK, (await GetDashboardAsync(pair.App, staying.Cookie)).StatusCode);
    }

    [Theory]
    [InlineData("UPDATE AspNetUsers SET LockoutEnabled = 1, LockoutEnd = '2999-01-01 00:00:00+00:00' WHERE Id = $id", SessionRejectionReason.LockedOut)]
    [InlineData("UPDATE AspNetUsers SET SecurityStamp = 'RESET-BY-AN-ADMINISTRATOR' WHERE Id = $id", SessionRejectionReason.SecurityStampChanged)]
    [InlineData("DELETE FROM AspNetUsers WHERE Id = $id", SessionRejectionReason.UserDeleted)]
    public async Task AChangeMadeDirectlyInTheAccountsDatabaseEndsTheSessionAtTheNextValidation(string sql, SessionRejectionReason reason)
    {
        var rejected = new ConcurrentQueue<SessionRejectedContext>();
        await using var pair = await RedisAppPair.StartAsync(ShortValidation, services =>
            services.Configure<ServerSessionSchemeOptions>(ServerSessionDefaults.Scheme, scheme =>
                scheme.Events.OnSessionRejected = context =>
                {
                    rejected.Enqueue(context);
                    return Task.CompletedTask;
                }));
        var email = Emails.Unique("db-change");
        using var client = pair.App.CreateAppClient();
        var id = IdOf(await client.RegisterAndLoginAsync(email));
        var userId = (await AccountsDb.UserAsync(pair.App, email)).Id;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Dashboard")).StatusCode);

        await ExecuteAsync(pair.App, sql, userId);
        await Task.Delay(PastTheInterval);
        var response = await client.GetAsync("/Dashboard");

        AssertSentToLogin(response);
        Assert.False(await pair.Redis.Db.KeyExistsAsync(SessionKey(id)));
        var ended = Assert.Single(rejected);
        Assert.Equal(reason, ended.Reason);
        Assert.Equal(id.Handle, ended.Handle);
        Assert.Equal(userId, ended.Record.UserId);
    }

    [Fact]
    public async Task WithTheInProcessStoreALockedOutUserLosesTheSessionAtTheNextValidationToo()
    {
        await using var app = new SessionAuthApplication(null, ShortValidation);
        var email = Emails.Unique("in-process-lockout");
        using var client = app.CreateAppClient();
        await client.RegisterAndLoginAsync(email);
        var userId = (await AccountsDb.UserAsync(app, email)).Id;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Dashboard")).StatusCode);

        await ExecuteAsync(app, "UPDATE AspNetUsers SET LockoutEnabled = 1, LockoutEnd = '2999-01-01 00:00:00+00:00' WHERE Id = $id", userId);
        await Task.Delay(PastTheInterval);

        AssertSentToLogin(await client.GetAsync("/Dashboard"));
        Assert.Equal(0, await AccountsDb.SessionCountAsync(app, userId));
    }

    [Fact]
    public async Task AValidSessionIsCheckedOncePerIntervalWithOneRedisWriteAndOtherwiseCostsOneGetex()
    {
        await using var pair = await RedisAppPair.StartAsync(new Dictionary<string, string?> { ["Sessions:ValidationInterval"] = "00:00:03" });
        using var client = pair.App.CreateAppClient();
        var id = IdOf(await client.RegisterAndLoginAsync(Emails.Unique("validate-once")));
        var signedIn = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Dashboard")).StatusCode); // warm: key ring, caches
        await pair.Redis.ResetStatsAsync();

        // Requests until 1.5 s past one interval after sign-in, 1.5 s before the second: exactly one
        // validation is due, with slack for a loaded machine on both sides.
        var requests = 0;
        while (signedIn.Elapsed < TimeSpan.FromSeconds(4.5))
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Dashboard")).StatusCode);
            requests++;
            await Task.Delay(100);
        }

        // The write is one script (the GET and SET … KEEPTTL inside it keep the session's HttpContext.Session
        // data), EVAL or EVALSHA; the client library loads a script once per connection (SCRIPT LOAD).
        var calls = (await pair.Redis.CommandCallsAsync()).Where(c => !NotRequestPath.Contains(c.Key) && c.Key != "script|load")
            .GroupBy(c => c.Key is "eval" or "evalsha" ? "script" : c.Key).ToDictionary(g => g.Key, g => g.Sum(c => c.Value));
        Assert.Equal(new Dictionary<string, long> { ["getex"] = requests, ["script"] = 1, ["get"] = 1, ["set"] = 1 }, calls);
        Assert.Contains("\"validatedAt\"", (string?)await pair.Redis.Db.StringGetAsync(SessionKey(id)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARevocationMadeThroughOneInstanceIsSeenByTheOtherOnItsNextRequest()
    {
        await using var pair = await RedisAppPair.StartAsync();
        var (first, second) = (pair.App, pair.AddInstance());
        var email = Emails.Unique("two-instances");
        using var owner = first.CreateAppClient();
        var ownerCookie = await owner.RegisterAndLoginAsync(email);
        var other = await SignInAsync(first, email); // each test instance has a database of its own; Redis is what they share
        Assert.Equal(HttpStatusCode.OK, (await GetDashboardAsync(second, other.Cookie)).StatusCode);
        var userId = (await AccountsDb.UserAsync(first, email)).Id;

        Assert.True(await RevokeAsync(first, userId, other.Id.Handle));

        AssertSentToLogin(await GetDashboardAsync(second, other.Cookie));
        Assert.Equal(HttpStatusCode.OK, (await GetDashboardAsync(second, ownerCookie)).StatusCode);
        Assert.False(await RevokeAsync(first, userId, other.Id.Handle)); // already gone: nothing changes
    }

    [Fact]
    public async Task AHandleOfAnotherUsersSessionRevokesNothing()
    {
        await using var pair = await RedisAppPair.StartAsync();
        var victimEmail = Emails.Unique("victim");
        var attackerEmail = Emails.Unique("attacker");
        using var victim = pair.App.CreateAppClient();
        var victimId = IdOf(await victim.RegisterAndLoginAsync(victimEmail));
        using var attacker = pair.App.CreateAppClient();
        await attacker.RegisterAndLoginAsync(attackerEmail);
        var attackerUserId = (await AccountsDb.UserAsync(pair.App, attackerEmail)).Id;
        var victimUserId = (await AccountsDb.UserAsync(pair.App, victimEmail)).Id;
        var stamps = (await StampAsync(pair.App, attackerUserId), await StampAsync(pair.App, victimUserId));

        Assert.False(await RevokeAsync(pair.App, attackerUserId, victimId.Handle));

        Assert.Equal(HttpStatusCode.OK, (await victim.GetAsync("/Dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await attacker.GetAsync("/Dashboard")).StatusCode);
        Assert.Equal(stamps, (await StampAsync(pair.App, attackerUserId), await StampAsync(pair.App, victimUserId))); // not even a stamp moved
    }

    [Fact]
    public async Task ParallelSignInsThroughTheFormWithAMaximumOfThreeLeaveThreeAndSayWhichEnded()
    {
        var evicted = new ConcurrentQueue<StoredSession>();
        await using var pair = await RedisAppPair.StartAsync(new Dictionary<string, string?> { ["Sessions:MaxPerUser"] = "3" }, services =>
            services.Configure<ServerSessionSchemeOptions>(ServerSessionDefaults.Scheme, scheme =>
                scheme.Events.OnSessionsEvicted = context =>
                {
                    foreach (var session in context.Evicted)
                    {
                        evicted.Enqueue(session);
                    }

                    return Task.CompletedTask;
                }));
        var email = Emails.Unique("limit");
        using (var registrar = pair.App.CreateAppClient())
        {
            Assert.Equal(HttpStatusCode.Redirect, (await registrar.RegisterAsync(email)).StatusCode);
        }

        // Eight, not twenty: each sign-in hashes a password (PBKDF2, about a second of CPU); the store's
        // contract test races twenty CreateAsync calls on both stores.
        const int signIns = 8;
        var sessions = await Task.WhenAll(Enumerable.Range(0, signIns).Select(_ => Task.Run(() => SignInAsync(pair.App, email))));

        var userId = (await AccountsDb.UserAsync(pair.App, email)).Id;
        Assert.Equal(3, await AccountsDb.SessionCountAsync(pair.App, userId));
        Assert.Equal(signIns - 3, evicted.Count);
        Assert.Equal(signIns - 3, pair.App.Logs.Entries.Count(e => e.EventId.Id == 2009));
        Assert.Equal(signIns - 3, evicted.Select(e => e.Handle).Distinct().Count());
        var live = 0;
        foreach (var session in sessions)
        {
            live += (await GetDashboardAsync(pair.App, session.Cookie)).StatusCode == HttpStatusCode.OK ? 1 : 0;
        }

        Assert.Equal(3, live);
    }

    // Commands the test's own admin client and the client library's upkeep send, not the request path.
    private static readonly HashSet<string> NotRequestPath = new(StringComparer.OrdinalIgnoreCase)
    {
        "info", "config|resetstat", "config", "ping", "echo", "client|setname", "client|setinfo", "client", "cluster",
        "subscribe", "hello", "command", "select", "role", "cluster|nodes", "config|get", "sentinel",
    };

    private static async Task<(SessionId Id, string Cookie)> SignInAsync(SessionAuthApplication app, string email)
    {
        using var client = app.CreateAppClient();
        var login = await client.LoginAsync(email);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var cookie = AppClient.SessionCookieValue(login)!;
        return (IdOf(cookie), cookie);
    }

    private static SessionId IdOf(string cookie)
    {
        Assert.True(SessionId.TryParse(cookie.AsSpan(0, SessionId.Length), out var id));
        return id;
    }

    private static async Task<HttpResponseMessage> GetDashboardAsync(SessionAuthApplication app, string cookie)
    {
        using var client = app.CreateClientCarrying(cookie);
        return await client.GetAsync("/Dashboard");
    }

    private static void AssertSentToLogin(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    private static async Task<bool> RevokeAsync(SessionAuthApplication app, string userId, SessionHandle handle)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SessionRevocation>().RevokeAsync(userId, handle, CancellationToken.None);
    }

    /// <summary>What a replica that missed the delete, or a restored backup, does: the old value is back, and in the index.</summary>
    private static async Task BringBackAsync(RedisServer redis, SessionId id, string userId, StackExchange.Redis.RedisValue copy)
    {
        Assert.False(copy.IsNull);
        Assert.True(await redis.Db.StringSetAsync(SessionKey(id), copy, TimeSpan.FromMinutes(5)));
        await redis.Db.SetAddAsync($"sa:{{{id.Tag}}}:u:{userId}", id.Handle.Value);
    }

    private static string SessionKey(SessionId id) => $"sa:{{{id.Tag}}}:s:{id.Handle.Value}";

    private static async Task ExecuteAsync(SessionAuthApplication app, string sql, string userId)
    {
        await using var connection = new SqliteConnection($"Data Source={app.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", userId);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private static async Task<string?> StampAsync(SessionAuthApplication app, string userId)
    {
        await using var connection = new SqliteConnection($"Data Source={app.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT SecurityStamp FROM AspNetUsers WHERE Id = $id";
        command.Parameters.AddWithValue("$id", userId);
        return (string?)await command.ExecuteScalarAsync();
    }
}
