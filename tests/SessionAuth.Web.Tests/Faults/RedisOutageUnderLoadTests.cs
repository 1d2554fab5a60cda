using System.Globalization;
using System.Net;
using SessionAuth.Web.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SessionAuth.Web.Tests.Faults;

/// <summary>
/// Redis fails while signed-in people keep loading a protected page (six people, one request each
/// every 20 ms, on loopback): nobody is served signed in while it is away, every answer is a 503
/// with Retry-After within two seconds, never a 500, and everyone is signed in again within five
/// seconds of Redis returning, with no app restart. The figures go to the test output. Runs alone:
/// the timings are the app's, not those of the other test classes sharing the cores.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class RedisOutageUnderLoadTests(ITestOutputHelper output)
{
    private const int People = 6;
    private static readonly TimeSpan FirstRefusalWithin = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RecoveryWithin = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(3);

    // The product's own timeouts (the test app otherwise allows 5 s for a loaded CI machine).
    private static readonly Dictionary<string, string?> ProductTimeouts = new()
    {
        ["Redis:OperationTimeout"] = "00:00:01",
        ["Redis:ConnectTimeout"] = "00:00:01",
    };

    [Fact]
    public async Task KilledRedisUnderLoadAnswers503sAndNobodySignedInThenWithAofEverySessionIsBackWithinFiveSecondsOfItsRestart()
    {
        await using var pair = await RedisAppPair.StartAsync(ProductTimeouts, persistentRedis: true);

        var run = await RunOutageAsync(pair, "kill", pair.Redis.StopAsync, pair.Redis.RestartAsync);

        AssertFailedClosedAndRecovered(run);
    }

    [Fact]
    public async Task StalledRedisUnderLoadAnswers503sWithinTwoSecondsAndEverySessionIsBackWithinFiveSecondsOfItResuming()
    {
        await using var pair = await RedisAppPair.StartAsync(ProductTimeouts);

        var run = await RunOutageAsync(pair, "stall (SIGSTOP)", pair.Redis.PauseAsync, pair.Redis.ResumeAsync);

        AssertFailedClosedAndRecovered(run);
        // A stall answers nothing: only the client's own timeout ends each wait, so it bounds every answer.
        var slowest = run.During.Max(s => s.Latency);
        Assert.True(slowest <= FirstRefusalWithin, $"A request during the stall took {slowest.TotalMilliseconds:0} ms.");
    }

    private async Task<OutageRun> RunOutageAsync(RedisAppPair pair, string fault, Func<Task> fail, Func<Task> restore)
    {
        var people = new List<AppClient>();
        for (var i = 0; i < People; i++)
        {
            people.Add(pair.App.CreateAppClient());
            await people[^1].RegisterAndLoginAsync(Emails.Unique("load"));
        }

        using var probe = pair.App.CreateAppClient(handleCookies: false);
        await using var load = BoundedLoad.Start(people.Select(p => p.Http).ToList(), "/Dashboard");
        Assert.True(await load.WaitForEveryWorkerAsync(s => s.SignedIn, TimeSpan.Zero, TimeSpan.FromSeconds(10)) is not null, "The load never got signed-in pages.");
        await Task.Delay(300);

        var failAt = load.Now;
        await fail();
        var downAt = load.Now;
        await load.WaitForAsync(s => s.Status == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(5));
        var readyDuring = await probe.GetAsync("/health/ready");
        var remaining = Outage - (load.Now - downAt);
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining);
        }

        var restoreAt = load.Now;
        await restore();
        var recovery = await load.WaitForEveryWorkerAsync(s => s.SignedIn, restoreAt, TimeSpan.FromSeconds(15));
        await Task.Delay(300);
        var samples = await load.StopAsync();
        var readyAfter = await probe.GetAsync("/health/ready");
        people.ForEach(p => p.Dispose());

        var first503 = samples.Where(s => s.Status == HttpStatusCode.ServiceUnavailable).Select(s => s.End).DefaultIfEmpty(TimeSpan.MaxValue).Min();
        var run = new OutageRun(
            samples,
            During: samples.Where(s => s.Start >= downAt && s.End <= restoreAt).ToList(),
            After: samples.Where(s => s.Start >= restoreAt).ToList(),
            TimeToFirst503: first503 == TimeSpan.MaxValue ? null : first503 - failAt,
            Recovery: recovery,
            ReadyDuring: readyDuring.StatusCode,
            ReadyAfter: readyAfter.StatusCode);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Redis {fault} under load ({People} signed-in people, one request each per 20 ms, outage {Outage.TotalSeconds:0.0} s): " +
            $"first 503 after {run.TimeToFirst503?.TotalMilliseconds:0} ms; answers during the outage took {Percentile(run.During, 0.5):0} ms (median), {Percentile(run.During, 0.95):0} ms (95th percentile), {Percentile(run.During, 1):0} ms (slowest); " +
            $"everyone signed in again {run.Recovery?.TotalMilliseconds:0} ms after Redis was back; /health/ready {(int)run.ReadyDuring} during, {(int)run.ReadyAfter} after."));
        output.WriteLine($"  all answers: {BoundedLoad.Describe(samples)}; during the outage: {BoundedLoad.Describe(run.During)}; " +
            $"signed-in answers during the outage: {run.During.Count(s => s.SignedIn)}; after: {BoundedLoad.Describe(run.After)}.");
        return run;
    }

    private static double Percentile(IReadOnlyList<LoadSample> samples, double rank)
    {
        var sorted = samples.Select(s => s.Latency.TotalMilliseconds).Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(rank * sorted.Count) - 1 < 0 ? 0 : Math.Ceiling(rank * sorted.Count) - 1)];
    }

    private static void AssertFailedClosedAndRecovered(OutageRun run)
    {
        Assert.DoesNotContain(run.All, s => s.Status == HttpStatusCode.InternalServerError);
        Assert.NotEmpty(run.During);
        Assert.DoesNotContain(run.During, s => s.SignedIn);
        Assert.All(run.During, s => Assert.Equal(HttpStatusCode.ServiceUnavailable, s.Status));
        Assert.All(run.During, s => Assert.True(s.RetryAfter, "A 503 without Retry-After."));
        Assert.NotNull(run.TimeToFirst503);
        Assert.True(run.TimeToFirst503 <= FirstRefusalWithin, $"The first 503 came {run.TimeToFirst503.Value.TotalMilliseconds:0} ms after the fault.");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, run.ReadyDuring);

        Assert.NotNull(run.Recovery);
        Assert.True(run.Recovery <= RecoveryWithin, $"Everyone was signed in again only {run.Recovery.Value.TotalMilliseconds:0} ms after Redis returned.");
        // Nobody was sent to sign in again: every session from before the outage is still there.
        Assert.DoesNotContain(run.After, s => s.Status is HttpStatusCode.Redirect or HttpStatusCode.InternalServerError);
        Assert.Equal(HttpStatusCode.OK, run.ReadyAfter);
    }

    private sealed record OutageRun(
        IReadOnlyList<LoadSample> All,
        IReadOnlyList<LoadSample> During,
        IReadOnlyList<LoadSample> After,
        TimeSpan? TimeToFirst503,
        TimeSpan? Recovery,
        HttpStatusCode ReadyDuring,
        HttpStatusCode ReadyAfter);
}
