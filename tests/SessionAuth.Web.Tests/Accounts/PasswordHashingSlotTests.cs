using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using SessionAuth.Web.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SessionAuth.Web.Tests.Accounts;

/// <summary>
/// A password hashing slot covers the hash only: the session write to Redis that follows a sign-in
/// runs without it, so a stalled Redis never makes the sign-ins queued behind it wait for their turn.
/// </summary>
public sealed class PasswordHashingSlotTests(ITestOutputHelper output)
{
    private const int SignIns = 3;

    [Fact]
    public async Task SignInsQueuedWhileRedisStallsAllHashInTimeAndSucceedWhenRedisReturns()
    {
        // One slot and a 10 s queue; Redis stalls for 14 s, inside the Redis timeout. A slot held through the
        // session write kept every sign-in but the first waiting past the queue timeout: 503 "too many sign-ins".
        // Hashing all three takes well under a second, a few seconds on a loaded CI machine: within the 10 s.
        await using var pair = await RedisAppPair.StartAsync(new Dictionary<string, string?>
        {
            ["Accounts:Passwords:HashConcurrency"] = "1",
            ["Accounts:Passwords:HashQueueTimeout"] = "00:00:10",
            ["Redis:OperationTimeout"] = "00:00:30",
        });
        var emails = Enumerable.Range(0, SignIns).Select(i => Emails.Unique($"stall{i}")).ToArray();
        var clients = emails.Select(_ => pair.App.CreateAppClient()).ToArray();
        for (var i = 0; i < SignIns; i++)
        {
            Assert.Equal(HttpStatusCode.Redirect, (await clients[i].RegisterAsync(emails[i])).StatusCode);
        }

        var tokens = await Task.WhenAll(clients.Select(client => client.GetAntiforgeryTokenAsync("/Account/Login")));

        await pair.Redis.PauseAsync();
        var started = Stopwatch.GetTimestamp();
        HttpResponseMessage[] results;
        try
        {
            var signIns = Task.WhenAll(clients.Select((client, i) => client.Http.PostAsync("/Account/Login", new FormUrlEncodedContent(
            [
                new("Input.Email", emails[i]), new("Input.Password", AppClient.Password), new("Input.RememberMe", "false"),
                new("__RequestVerificationToken", tokens[i]),
            ]))));
            await Task.Delay(TimeSpan.FromSeconds(14));
            Assert.False(signIns.IsCompleted, "The sign-ins were answered while Redis was stalled; they must wait for their session writes.");
            await pair.Redis.ResumeAsync();
            results = await signIns;
        }
        finally
        {
            await pair.Redis.ResumeAsync();
        }

        output.WriteLine($"{SignIns} sign-ins in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms: "
            + string.Join(", ", results.GroupBy(r => (int)r.StatusCode).Select(g => $"{g.Count()} x {g.Key}")));
        Assert.All(results, response => Assert.Equal(HttpStatusCode.Redirect, response.StatusCode));
        Assert.All(results, response => Assert.NotNull(AppClient.SetCookie(response, AppClient.SessionCookieName)));
        Assert.DoesNotContain(pair.App.Logs.Entries, e => e.Level >= LogLevel.Error);
        Assert.DoesNotContain(pair.App.Logs.Entries, e => e.EventId.Name == "PasswordHashingBusy");
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }
}
