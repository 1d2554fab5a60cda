using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Metrics;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Hosting;

/// <summary>The app's meter "SessionAuth" after real requests: through OpenTelemetry's in-memory exporter, and counted exactly per instance.</summary>
public sealed class AppMeterTests
{
    [Fact]
    public async Task SignInLookupsSignOutAndAFailedSignInMoveTheirCounters()
    {
        var exported = new List<MetricSnapshot>();
        await using var pair = await RedisAppPair.StartAsync(configureServices: services => services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddMeter("SessionAuth").AddInMemoryExporter(exported)));
        using var meter = new AppMeterRecorder(pair.App.Services);
        using var client = pair.App.CreateAppClient();
        var email = Emails.Unique("meter");

        await client.RegisterAndLoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.LogoutAsync()).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.LoginAsync(email, "not the right password at all")).StatusCode);
        pair.App.Services.GetRequiredService<MeterProvider>().ForceFlush();

        Assert.Equal(1, meter.Sum("sessionauth.sessions.created"));
        Assert.Equal(1, meter.Sum("sessionauth.sessions.ended", ("reason", "sign-out")));
        Assert.Equal(1, meter.Sum("sessionauth.sign_in.failures", ("reason", "wrong-password")));
        // The dashboard and the sign-out form each looked the session up.
        Assert.True(meter.Sum("sessionauth.store.lookups", ("result", "found")) >= 2);
        Assert.True(meter.Count("sessionauth.store.lookup.duration", ("result", "found")) >= 2);
        Assert.Equal(0, meter.Sum("sessionauth.store.unavailable"));
        // What a collector would receive: the same instruments through OpenTelemetry's pipeline (other
        // test classes' apps share the meter's name in this process, hence "at least").
        Assert.True(Exported(exported, "sessionauth.sessions.created") >= 1);
        Assert.True(Exported(exported, "sessionauth.sessions.ended", ("reason", "sign-out")) >= 1);
        Assert.True(Exported(exported, "sessionauth.sign_in.failures", ("reason", "wrong-password")) >= 1);
    }

    [Fact]
    public async Task RequestsRefusedWhileRedisIsAwayAreCountedAsStoreUnavailable()
    {
        await using var pair = await RedisAppPair.StartAsync();
        using var meter = new AppMeterRecorder(pair.App.Services);
        using var client = pair.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("meter-outage"));
        await pair.Redis.StopAsync();

        var response = await client.GetAsync("/Dashboard");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, meter.Sum("sessionauth.store.unavailable"));
        Assert.True(meter.Sum("sessionauth.store.lookups", ("result", "unavailable")) >= 1);
    }

    [Fact]
    public async Task ASessionFoundPastItsAbsoluteLimitIsCountedAsEndedForThatReason()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var pair = await RedisAppPair.StartAsync(configureServices: services => services.AddSingleton<TimeProvider>(clock));
        using var meter = new AppMeterRecorder(pair.App.Services);
        using var client = pair.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("meter-absolute"));

        // Redis's idle TTL runs on real time, so the key is still there when the app's clock says 8 h have passed.
        clock.Advance(TimeSpan.FromHours(8) + TimeSpan.FromMinutes(1));
        var response = await client.GetAsync("/Dashboard");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(1, meter.Sum("sessionauth.sessions.ended", ("reason", "absolute")));
        Assert.Equal(1, meter.Sum("sessionauth.store.lookups", ("result", "missing")));
    }

    private static long Exported(List<MetricSnapshot> exported, string name, params (string Key, string Value)[] tags)
    {
        // Cumulative temporality: each exported stream holds its running totals. Other test classes' apps in this
        // process export streams of the same name, and an export may hold several of them in any order: the
        // largest total any of them carried, not whichever came last.
        long most = 0;
        foreach (var metric in exported.Where(m => m.Name == name))
        {
            long total = 0;
            foreach (var point in metric.MetricPoints)
            {
                var found = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var tag in point.Tags)
                {
                    found[tag.Key] = tag.Value;
                }

                if (tags.All(t => found.TryGetValue(t.Key, out var value) && Equals(value, t.Value)))
                {
                    total += point.GetSumLong();
                }
            }

            most = Math.Max(most, total);
        }

        return most;
    }
}
