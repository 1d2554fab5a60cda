using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Operations;

/// <summary>The app's meter "SessionAuth", read through OpenTelemetry's in-memory exporter after real requests.</summary>
public sealed class AppMeterTests
{
    [Fact]
    public async Task SignInLookupsSignOutAndAFailedSignInMoveTheirCounters()
    {
        var exported = new List<MetricSnapshot>();
        await using var pair = await RedisAppPair.StartAsync(configureServices: services => services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddMeter("SessionAuth").AddInMemoryExporter(exported)));
        using var client = pair.App.CreateAppClient();
        var email = Emails.Unique("meter");

        await client.RegisterAndLoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.LogoutAsync()).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.LoginAsync(email, "not the right password at all")).StatusCode);
        pair.App.Services.GetRequiredService<MeterProvider>().ForceFlush();

        Assert.Equal(1, Sum(exported, "sessionauth.sessions.created"));
        Assert.Equal(1, Sum(exported, "sessionauth.sessions.ended", ("reason", "sign-out")));
        Assert.Equal(1, Sum(exported, "sessionauth.sign_in.failures", ("reason", "wrong-password")));
        // The dashboard and the sign-out form each looked the session up.
        Assert.True(Sum(exported, "sessionauth.store.lookups", ("result", "found")) >= 2);
        Assert.True(HistogramCount(exported, "sessionauth.store.lookup.duration") >= 2);
        Assert.Equal(0, Sum(exported, "sessionauth.store.unavailable"));
    }

    [Fact]
    public async Task RequestsRefusedWhileRedisIsAwayAreCountedAsStoreUnavailable()
    {
        var exported = new List<MetricSnapshot>();
        await using var pair = await RedisAppPair.StartAsync(configureServices: services => services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddMeter("SessionAuth").AddInMemoryExporter(exported)));
        using var client = pair.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("meter-outage"));
        await pair.Redis.StopAsync();

        var response = await client.GetAsync("/Dashboard");
        pair.App.Services.GetRequiredService<MeterProvider>().ForceFlush();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, Sum(exported, "sessionauth.store.unavailable"));
        Assert.True(Sum(exported, "sessionauth.store.lookups", ("result", "unavailable")) >= 1);
    }

    private static long Sum(List<MetricSnapshot> exported, string name, params (string Key, string Value)[] tags)
    {
        long total = 0;
        // Cumulative temporality: the last export of an instrument holds its running totals.
        foreach (var metric in exported.Where(m => m.Name == name).TakeLast(1))
        {
            foreach (var point in metric.MetricPoints)
            {
                if (HasTags(point, tags))
                {
                    total += point.GetSumLong();
                }
            }
        }

        return total;
    }

    private static long HistogramCount(List<MetricSnapshot> exported, string name)
    {
        long total = 0;
        foreach (var metric in exported.Where(m => m.Name == name).TakeLast(1))
        {
            foreach (var point in metric.MetricPoints)
            {
                total += point.GetHistogramCount();
            }
        }

        return total;
    }

    private static bool HasTags(MetricPoint point, (string Key, string Value)[] wanted)
    {
        var found = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in point.Tags)
        {
            found[tag.Key] = tag.Value;
        }

        return wanted.All(w => found.TryGetValue(w.Key, out var value) && Equals(value, w.Value));
    }
}
