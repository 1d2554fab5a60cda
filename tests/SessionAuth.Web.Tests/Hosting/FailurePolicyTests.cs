using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using SessionAuth.Web.Tests.Infrastructure;
using SessionAuth.Web.Tests.Tokens;

namespace SessionAuth.Web.Tests.Hosting;

/// <summary>
/// One failure policy for pages and API: an outage is a 503 with Retry-After, the error page for a
/// form and problem details for the API, logged as a warning with an event id and no stack trace.
/// </summary>
public sealed class FailurePolicyTests
{
    [Fact]
    public async Task ASignInWhileRedisIsDownIsA503PageLoggedAsAWarningWithAnEventIdNotAnError()
    {
        await using var pair = await RedisAppPair.StartAsync(new Dictionary<string, string?> { ["Redis:OperationTimeout"] = "00:00:01" });
        using var client = pair.App.CreateAppClient();
        var email = Emails.Unique("policy-page");
        await client.RegisterAsync(email);
        var token = await client.GetAntiforgeryTokenAsync("/Account/Login");

        await pair.Redis.StopAsync();
        var response = await client.Http.PostAsync("/Account/Login", new FormUrlEncodedContent(
            [new("Input.Email", email), new("Input.Password", AppClient.Password), new("__RequestVerificationToken", token)]));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        var page = await AppClient.BodyAsync(response);
        Assert.Contains("Sign-in is temporarily unavailable", page, StringComparison.Ordinal);
        Assert.Matches("reference <code>[0-9a-f]{32}</code>", page);
        AssertOutageLoggedAsWarning(pair.App.Logs);
    }

    [Fact]
    public async Task ATokenRequestWhileRedisIsDownIsA503ProblemLoggedAsAWarningWithAnEventIdNotAnError()
    {
        await using var pair = await RedisAppPair.StartAsync(new Dictionary<string, string?> { ["Redis:OperationTimeout"] = "00:00:01" });
        using var register = pair.App.CreateAppClient();
        var email = Emails.Unique("policy-api");
        await register.RegisterAsync(email);
        var api = pair.App.CreateApiClient();

        await pair.Redis.StopAsync();
        var response = await api.RequestTokenAsync(email);

        var problem = await TokenClient.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.Equal("Sign-in service unavailable", problem.GetProperty("title").GetString());
        AssertOutageLoggedAsWarning(pair.App.Logs);
    }

    [Fact]
    public async Task TokenRequestsBeyondTheHashingQueueAre503ProblemsLoggedAsWarningsWithAnEventId()
    {
        // One slot and a 100 ms wait: ten token requests at once cannot all get a turn (a hash takes about that long).
        await using var pair = await RedisAppPair.StartAsync(new Dictionary<string, string?>
        {
            ["Accounts:Passwords:HashConcurrency"] = "1",
            ["Accounts:Passwords:HashQueueTimeout"] = "00:00:00.100",
        });
        var api = pair.App.CreateApiClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => api.RequestTokenAsync(Emails.Unique("busy"))));

        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(refused);
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.ServiceUnavailable }));
        foreach (var response in refused)
        {
            var problem = await TokenClient.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.Equal("Too many sign-ins at once", problem.GetProperty("title").GetString());
            Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        }

        var busy = pair.App.Logs.Entries.Where(e => e.EventId.Name == "PasswordHashingBusy").ToList();
        Assert.Equal(refused.Count, busy.Count);
        Assert.All(busy, e => Assert.Equal((LogLevel.Warning, 4001, null), (e.Level, e.EventId.Id, e.Exception)));
        Assert.DoesNotContain(pair.App.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task SignInsWhileTheAccountsDatabaseCannotBeOpenedAre503sLoggedAsWarningsWithAnEventIdNotErrors()
    {
        await using var pair = await RedisAppPair.StartAsync();
        var email = Emails.Unique("accounts-down");
        using (var register = pair.App.CreateAppClient())
        {
            await register.RegisterAsync(email);
        }

        using var visitor = pair.App.CreateAppClient();
        var token = await visitor.GetAntiforgeryTokenAsync("/Account/Login");
        var api = pair.App.CreateApiClient();

        // The database file replaced by a folder of the same name: SQLite cannot open it (a lost volume, a bad mount).
        var path = pair.App.DatabasePath;
        SqliteConnection.ClearAllPools();
        File.Move(path, path + ".away");
        Directory.CreateDirectory(path);
        try
        {
            var page = await visitor.Http.PostAsync("/Account/Login", new FormUrlEncodedContent(
                [new("Input.Email", email), new("Input.Password", AppClient.Password), new("__RequestVerificationToken", token)]));
            var problem = await api.RequestTokenAsync(email);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), page.Headers.RetryAfter?.Delta);
            var html = await AppClient.BodyAsync(page);
            Assert.Contains("accounts database cannot be reached", html, StringComparison.Ordinal);
            Assert.DoesNotContain("SqliteException", html, StringComparison.Ordinal);
            var body = await TokenClient.AssertProblemAsync(problem, HttpStatusCode.ServiceUnavailable);
            Assert.Equal(TimeSpan.FromSeconds(5), problem.Headers.RetryAfter?.Delta);
            Assert.Equal("Accounts database unavailable", body.GetProperty("title").GetString());
            var outages = pair.App.Logs.Entries.Where(e => e.EventId.Name == "AccountsUnavailableResponse").ToList();
            Assert.Equal(2, outages.Count);
            Assert.All(outages, e => Assert.Equal((LogLevel.Warning, 4004, null), (e.Level, e.EventId.Id, e.Exception)));
            Assert.All(outages, e => Assert.Contains("Cause: SqliteException: ", e.Message, StringComparison.Ordinal));
            Assert.DoesNotContain(pair.App.Logs.Entries, e => e.Level >= LogLevel.Error);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(path, recursive: true);
            File.Move(path + ".away", path);
        }
    }

    private static void AssertOutageLoggedAsWarning(TestLogSink logs)
    {
        var outage = logs.Entries.Where(e => e.EventId.Name == "StoreUnavailableResponse").ToList();
        var entry = Assert.Single(outage);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Equal(4002, entry.EventId.Id);
        Assert.Null(entry.Exception);
        // What failed under the store's wrapper, so an operator tells a stalled Redis from a lost one.
        // (Redis refused or timed out, the socket under it, or the app's own finding that the store is away: which
        // depends on which step noticed first.)
        Assert.Matches(@"Cause: \w+Exception: ", entry.Message);
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Error);
    }
}
