using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Tests.Infrastructure;
using SessionAuth.Web.Tests.Pages;

namespace SessionAuth.Web.Tests.Accounts.Activity;

/// <summary>The security events of a user: written by the account pages, shown on the sessions page, pruned, and never in the way.</summary>
public sealed class ActivityLogTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    private readonly SessionAuthApplication _app = fixture.App;

    [Fact]
    public async Task SignInFailedSignInRevokeAndPasswordChangeEachLeaveARowNewestFirst()
    {
        var email = Emails.Unique("activity");
        using var laptop = SessionsPage.ClientAs(_app, SessionsPage.FirefoxOnWindows);
        Assert.Equal(HttpStatusCode.Redirect, (await laptop.RegisterAsync(email)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await laptop.LoginAsync(email, "a wrong password, typed badly")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await laptop.LoginAsync(email)).StatusCode);
        using var phone = SessionsPage.ClientAs(_app, SessionsPage.ChromeOnAndroid);
        Assert.Equal(HttpStatusCode.Redirect, (await phone.LoginAsync(email)).StatusCode);
        var handle = (await SessionsPage.RowsAsync(laptop)).Single(r => !r.IsCurrent).Handle;
        await SessionsPage.FollowAsync(laptop, await SessionsPage.PostAsync(laptop, "Revoke", handle));
        const string newPassword = "another long passphrase of mine";
        var change = await laptop.SubmitAsync("/Account/ChangePassword",
            [new("Input.OldPassword", AppClient.Password), new("Input.NewPassword", newPassword), new("Input.ConfirmPassword", newPassword)]);
        Assert.Equal(HttpStatusCode.Redirect, change.StatusCode);

        var html = await SessionsPage.HtmlAsync(laptop);

        Assert.Equal(
            ["PasswordChanged", "SessionRevoked", "SignedIn", "SignedIn", "SignInFailed", "AccountCreated"],
            SessionsPage.ActivityKinds(html));
        Assert.Contains("Firefox 133 on Windows", html, StringComparison.Ordinal);
        Assert.Contains("Sign-in failed", html, StringComparison.Ordinal);
        Assert.Contains("wrong password", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFloodOfFailedSignInsIsOneRowWithItsCountAndAddressesAndTheSignInStaysVisible()
    {
        var email = Emails.Unique("flood");
        using var thief = _app.CreateAppClient();
        await thief.RegisterAndLoginAsync(email);
        var userId = (await AccountsDb.UserAsync(_app, email)).Id;
        await using var scope = _app.Services.CreateAsyncScope();
        var log = scope.ServiceProvider.GetRequiredService<ActivityLog>();
        string[] addresses = ["203.0.113.7", "203.0.113.8", "198.51.100.23"];
        for (var i = 0; i < 24; i++)
        {
            await log.RecordAsync(userId, ActivityKind.SignInFailed, addresses[i % 3], "curl/8.5.0", "wrong password");
        }

        var html = await SessionsPage.HtmlAsync(thief);

        Assert.Equal(["SignInFailed", "SignedIn", "AccountCreated"], SessionsPage.ActivityKinds(html));
        Assert.Contains("data-count=\"24\"", html, StringComparison.Ordinal);
        Assert.Contains("Sign-in failed 24 times in a row", html, StringComparison.Ordinal);
        Assert.Contains("from 198.51.100.23, 203.0.113.8, 203.0.113.7", html, StringComparison.Ordinal);
        var entries = await log.RecentAsync(userId);
        Assert.Equal(24, entries[0].Count);
        Assert.False(entries[0].CountIsLowerBound);
        Assert.Equal(ActivityKind.SignedIn, entries[1].Kind);
    }

    [Fact]
    public async Task LockoutsFromGuessingJoinTheFailureRunSoASignInOutlastsManyLockoutCycles()
    {
        var email = Emails.Unique("cycles");
        using var owner = _app.CreateAppClient();
        await owner.RegisterAndLoginAsync(email);
        var userId = (await AccountsDb.UserAsync(_app, email)).Id;
        // 30 lockout cycles after the sign-in: five wrong passwords, then the lockout they cause.
        var start = DateTime.UtcNow.AddMinutes(1);
        var rows = new List<ActivityEvent>();
        for (var cycle = 0; cycle < 30; cycle++)
        {
            for (var guess = 0; guess < 5; guess++)
            {
                rows.Add(Event(userId, ActivityKind.SignInFailed, start.AddMinutes(15 * cycle).AddSeconds(guess), "203.0.113.7", "wrong password"));
            }

            rows.Add(Event(userId, ActivityKind.LockedOut, start.AddMinutes(15 * cycle).AddSeconds(5), "203.0.113.7", null));
        }

        await InsertAsync(rows);

        var html = await SessionsPage.HtmlAsync(owner);

        Assert.Equal(["SignInFailed", "SignedIn", "AccountCreated"], SessionsPage.ActivityKinds(html));
        Assert.Contains("Sign-in failed 150 times in a row, locked 30 times", html, StringComparison.Ordinal);
        var entries = await RecentAsync(userId);
        Assert.Equal((150, 30, false), (entries[0].Count, entries[0].LockedOutCount, entries[0].CountIsLowerBound));
        Assert.Equal((start, start.AddMinutes(15 * 29).AddSeconds(5)), (entries[0].FirstAt, entries[0].OccurredAt));
    }

    [Fact]
    public async Task WhenMoreFailuresThanTheReadLimitFollowOtherEventsTheirRunSaysAtLeast()
    {
        var email = Emails.Unique("atleast");
        using var owner = _app.CreateAppClient();
        await owner.RegisterAndLoginAsync(email);
        var userId = (await AccountsDb.UserAsync(_app, email)).Id;
        var start = DateTime.UtcNow.AddMinutes(1);
        var rows = new List<ActivityEvent> { Event(userId, ActivityKind.SessionRevoked, start, "203.0.113.9", "ended a session") };
        for (var i = 1; i <= ActivityLog.FailureReadLimit + 50; i++)
        {
            rows.Add(Event(userId, ActivityKind.SignInFailed, start.AddSeconds(i), "198.51.100.23", "wrong password"));
        }

        await InsertAsync(rows);

        var entries = await RecentAsync(userId);

        Assert.Equal([ActivityKind.SignInFailed, ActivityKind.SessionRevoked, ActivityKind.SignedIn, ActivityKind.AccountCreated], entries.Select(e => e.Kind));
        Assert.Equal(ActivityLog.FailureReadLimit, entries[0].Count);
        Assert.True(entries[0].CountIsLowerBound);
        Assert.All(entries.Skip(1), e => Assert.False(e.CountIsLowerBound));
        var html = await SessionsPage.HtmlAsync(owner);
        Assert.Contains($"Sign-in failed at least {ActivityLog.FailureReadLimit} times in a row", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARunListsAFewAddressesAndCountsTheRest()
    {
        var email = Emails.Unique("addresses");
        using var owner = _app.CreateAppClient();
        await owner.RegisterAndLoginAsync(email);
        var userId = (await AccountsDb.UserAsync(_app, email)).Id;
        var start = DateTime.UtcNow.AddMinutes(1);
        await InsertAsync([.. Enumerable.Range(1, 12).Select(i =>
            Event(userId, ActivityKind.SignInFailed, start.AddSeconds(i), $"192.0.2.{i}", "wrong password"))]);

        var entries = await RecentAsync(userId);

        Assert.Equal(["192.0.2.12", "192.0.2.11", "192.0.2.10", "192.0.2.9", "192.0.2.8"], entries[0].ClientIps);
        Assert.Equal(7, entries[0].MoreClientIps);
        var html = await SessionsPage.HtmlAsync(owner);
        Assert.Contains("from 192.0.2.12, 192.0.2.11, 192.0.2.10, 192.0.2.9, 192.0.2.8 and 7 more", html, StringComparison.Ordinal);
        Assert.DoesNotContain("192.0.2.7", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignOutAndAFailedSignInOfAnUnknownEmailAreHandledRightly()
    {
        var email = Emails.Unique("signout");
        using var client = _app.CreateAppClient();
        await client.RegisterAndLoginAsync(email);
        var userId = (await AccountsDb.UserAsync(_app, email)).Id;
        var before = await AccountDeletionTests.ActivityRowsAsync(_app, userId);
        using var stranger = _app.CreateAppClient();
        await stranger.LoginAsync(Emails.Unique("nobody"));

        Assert.Equal(HttpStatusCode.Redirect, (await client.LogoutAsync()).StatusCode);

        var latest = await LatestAsync(userId);
        Assert.Equal(ActivityKind.SignedOut, latest[0].Kind);
        Assert.Equal(before + 1, await AccountDeletionTests.ActivityRowsAsync(_app, userId));
    }

    [Fact]
    public async Task ThePageShowsTheLatestTwentyEvents()
    {
        var email = Emails.Unique("twenty");
        using var client = _app.CreateAppClient();
        await client.RegisterAndLoginAsync(email);
        var userId = (await AccountsDb.UserAsync(_app, email)).Id;
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var log = scope.ServiceProvider.GetRequiredService<ActivityLog>();
            for (var i = 0; i < 25; i++)
            {
                // Not failed sign-ins: a run of those takes one row (see the flood test below).
                await log.RecordAsync(userId, ActivityKind.SessionRevoked, "203.0.113.9", null, $"attempt {i}");
            }
        }

        var html = await SessionsPage.HtmlAsync(client);

        Assert.Equal(20, SessionsPage.ActivityRowCount(html));
        Assert.Contains("attempt 24", html, StringComparison.Ordinal);
        Assert.Matches("attempt 5\\b", html);
        Assert.DoesNotMatch("attempt 4\\b", html);
        Assert.DoesNotContain("SignedIn", SessionsPage.ActivityKinds(html));
    }

    [Fact]
    public async Task EventsOlderThanTheRetentionAreDeletedAndNewerOnesKept()
    {
        var email = Emails.Unique("retention");
        using var client = _app.CreateAppClient();
        await client.RegisterAndLoginAsync(email);
        var userId = (await AccountsDb.UserAsync(_app, email)).Id;
        await ExecuteAsync(_app, "UPDATE ActivityEvents SET OccurredAt = '2020-01-01 00:00:00' WHERE UserId = $user AND Kind = 'AccountCreated'", userId);

        var deleted = await _app.Services.GetRequiredService<ActivityRetentionService>().PruneOnceAsync(CancellationToken.None);

        Assert.True(deleted >= 1);
        var kinds = (await LatestAsync(userId)).Select(e => e.Kind).ToList();
        Assert.Equal([ActivityKind.SignedIn], kinds);
    }

    [Fact]
    public async Task AFailedWriteIsLoggedAndTheSignInStillSucceeds()
    {
        await using var pair = await RedisAppPair.StartAsync();
        using var client = pair.App.CreateAppClient();
        var email = Emails.Unique("nolog");
        Assert.Equal(HttpStatusCode.Redirect, (await client.RegisterAsync(email)).StatusCode);
        await ExecuteAsync(pair.App, "DROP TABLE ActivityEvents", userId: null);

        var login = await client.LoginAsync(email);

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Dashboard")).StatusCode);
        Assert.Contains(pair.App.Logs.Entries, e => e.EventId.Id == 1030 && e.Exception is not null);
    }

    [Fact]
    public async Task ASessionEndedBySessionsMaxPerUserIsRecordedWithTheDeviceItEnded()
    {
        await using var pair = await RedisAppPair.StartAsync(new Dictionary<string, string?> { ["Sessions:MaxPerUser"] = "1" });
        var email = Emails.Unique("limit");
        using var laptop = SessionsPage.ClientAs(pair.App, SessionsPage.FirefoxOnWindows);
        await laptop.RegisterAndLoginAsync(email);
        using var phone = SessionsPage.ClientAs(pair.App, SessionsPage.ChromeOnAndroid);

        Assert.Equal(HttpStatusCode.Redirect, (await phone.LoginAsync(email)).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await laptop.GetAsync("/Dashboard")).StatusCode);
        var html = await SessionsPage.HtmlAsync(phone);
        Assert.Single(SessionsPage.Rows(html));
        Assert.Equal(["SignedIn", "SessionEndedByLimit", "SignedIn", "AccountCreated"], SessionsPage.ActivityKinds(html));
        Assert.Matches("Session ended by the limit on sessions</strong>[\\s\\S]*?Firefox 133 on Windows", html);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("3651")]
    [InlineData("-5")]
    public void ARetentionOutOfRangeStopsStartUpAndNamesTheSetting(string days)
    {
        using var app = new SessionAuthApplication(null, new Dictionary<string, string?> { ["Activity:RetentionDays"] = days });

        var error = Assert.ThrowsAny<Exception>(() => app.Server);

        var messages = new List<string>();
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        Assert.Contains(messages, m => m.Contains("Activity:RetentionDays must be a whole number of days from 1 to 3650", StringComparison.Ordinal));
    }

    private static ActivityEvent Event(string userId, ActivityKind kind, DateTime at, string clientIp, string? detail) =>
        new() { UserId = userId, Kind = kind, OccurredAt = at, ClientIp = clientIp, UserAgent = "curl 8", Detail = detail };

    /// <summary>Writes rows with chosen times straight through the context (no waiting out real lockouts).</summary>
    private async Task InsertAsync(IEnumerable<ActivityEvent> rows)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        db.ActivityEvents.AddRange(rows);
        await db.SaveChangesAsync();
    }

    private async Task<IReadOnlyList<ActivityEntry>> RecentAsync(string userId)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ActivityLog>().RecentAsync(userId);
    }

    private async Task<IReadOnlyList<ActivityEvent>> LatestAsync(string userId)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ActivityLog>().LatestAsync(userId);
    }

    private static async Task ExecuteAsync(SessionAuthApplication app, string sql, string? userId)
    {
        await using var connection = new SqliteConnection($"Data Source={app.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (userId is not null)
        {
            command.Parameters.AddWithValue("$user", userId);
        }

        await command.ExecuteNonQueryAsync();
    }
}
