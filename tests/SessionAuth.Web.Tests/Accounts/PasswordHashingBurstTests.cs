using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using SessionAuth.Web.Tests.Hosting;
using SessionAuth.Web.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SessionAuth.Web.Tests.Accounts;

/// <summary>
/// Password hashing runs a few at a time (Accounts:Passwords:HashConcurrency, the cores by default):
/// a burst of sign-ins neither fails itself nor starves the Redis calls of the pages served beside it.
/// </summary>
public sealed class PasswordHashingBurstTests(ITestOutputHelper output)
{
    private const int Burst = 20;

    [Fact]
    public async Task TwentyParallelSignInsAllSucceedWhileSignedInPagesKeepAnswering200()
    {
        // The product's Redis timeout (1 s), not the tests' relaxed one: the failure this guards against was
        // a Redis timeout. The hashing queue may wait longer than its default here: a CI machine running
        // other tests at once hashes several times slower, and a 503 from the queue is not what is tested.
        await using var pair = await KestrelHost.StartAsync(new Dictionary<string, string?>
        {
            ["Redis:OperationTimeout"] = "00:00:01",
            ["Accounts:Passwords:HashQueueTimeout"] = "00:01:00",
        });
        var emails = Enumerable.Range(0, Burst).Select(i => Emails.Unique($"burst{i}")).ToArray();
        var registered = await Task.WhenAll(emails.Select(async email =>
        {
            using var client = new AppClient(KestrelHost.Client(pair.App));
            return (await client.RegisterAsync(email)).StatusCode;
        }));
        Assert.All(registered, status => Assert.Equal(HttpStatusCode.Redirect, status));
        using var reader = new AppClient(KestrelHost.Client(pair.App));
        var readerEmail = Emails.Unique("reader");
        await reader.RegisterAsync(readerEmail);
        Assert.Equal(HttpStatusCode.Redirect, (await reader.LoginAsync(readerEmail)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/Dashboard")).StatusCode);
        var signIns = emails.Select(_ => new AppClient(KestrelHost.Client(pair.App))).ToArray();
        var tokens = await Task.WhenAll(signIns.Select(client => client.GetAntiforgeryTokenAsync("/Account/Login")));

        var pages = new ConcurrentBag<(HttpStatusCode Status, TimeSpan Took)>();
        using var stop = new CancellationTokenSource();
        var pageLoad = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await reader.Http.GetAsync("/Dashboard");
                pages.Add((response.StatusCode, Stopwatch.GetElapsedTime(started)));
            }
        })).ToArray();
        await Task.Delay(200);
        var burstStarted = Stopwatch.GetTimestamp();
        var results = await Task.WhenAll(signIns.Select((client, i) => client.Http.PostAsync("/Account/Login", new FormUrlEncodedContent(
        [
            new("Input.Email", emails[i]), new("Input.Password", AppClient.Password), new("Input.RememberMe", "false"),
            new("__RequestVerificationToken", tokens[i]),
        ]))));
        var burstTook = Stopwatch.GetElapsedTime(burstStarted);
        await Task.Delay(200);
        await stop.CancelAsync();
        await Task.WhenAll(pageLoad);

        var slowest = pages.Max(p => p.Took);
        output.WriteLine($"{Burst} sign-ins in {burstTook.TotalMilliseconds:0} ms; {pages.Count} pages beside them, slowest {slowest.TotalMilliseconds:0} ms, "
            + $"p99 {Percentile(pages.Select(p => p.Took), 0.99).TotalMilliseconds:0} ms");
        output.WriteLine("sign-ins: " + string.Join(", ", results.GroupBy(r => (int)r.StatusCode).Select(g => $"{g.Count()} x {g.Key}")));
        output.WriteLine("pages: " + string.Join(", ", pages.GroupBy(p => (int)p.Status).Select(g => $"{g.Count()} x {g.Key}")));
        Assert.All(results, response => Assert.Equal(HttpStatusCode.Redirect, response.StatusCode));
        Assert.All(results, response => Assert.NotNull(AppClient.SetCookie(response, "session")));
        Assert.All(pages, page => Assert.Equal(HttpStatusCode.OK, page.Status));
        Assert.True(pages.Count >= 8, $"Only {pages.Count} page requests ran beside the burst.");
        Assert.Empty(pair.App.Logs.UnhandledExceptions);
        foreach (var client in signIns)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task AHashingQueueThatStaysFullAnswers503WithRetryAfterAndAClearPage()
    {
        // One slot and a 100 ms wait: twenty sign-ins at once cannot all get a turn (each hash takes longer than that).
        await using var pair = await RedisAppPair.StartAsync(new Dictionary<string, string?>
        {
            ["Accounts:Passwords:HashConcurrency"] = "1",
            ["Accounts:Passwords:HashQueueTimeout"] = "00:00:00.100",
        });
        var clients = Enumerable.Range(0, Burst).Select(_ => pair.App.CreateAppClient()).ToArray();
        var tokens = await Task.WhenAll(clients.Select(client => client.GetAntiforgeryTokenAsync("/Account/Login")));

        var results = await Task.WhenAll(clients.Select((client, i) => client.Http.PostAsync("/Account/Login", new FormUrlEncodedContent(
        [
            new("Input.Email", Emails.Unique("queued")), new("Input.Password", AppClient.Password), new("Input.RememberMe", "false"),
            new("__RequestVerificationToken", tokens[i]),
        ]))));

        var refused = results.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(refused);
        Assert.All(results, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));
        foreach (var response in refused)
        {
            Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
            var page = await response.Content.ReadAsStringAsync();
            Assert.Contains("Too many sign-ins at once", page, StringComparison.Ordinal);
            Assert.DoesNotContain("PasswordHashingBusyException", page, StringComparison.Ordinal);
            Assert.Null(AppClient.SetCookie(response, AppClient.SessionCookieName));
        }

        // Overload is a warning with an event id and no stack trace, one per refused request; never an error.
        var busy = pair.App.Logs.Entries.Where(e => e.EventId.Name == "PasswordHashingBusy").ToList();
        Assert.Equal(refused.Count, busy.Count);
        Assert.All(busy, e => Assert.Equal((Microsoft.Extensions.Logging.LogLevel.Warning, 4001, null), (e.Level, e.EventId.Id, e.Exception)));
        Assert.DoesNotContain(pair.App.Logs.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    private static TimeSpan Percentile(IEnumerable<TimeSpan> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }
}
