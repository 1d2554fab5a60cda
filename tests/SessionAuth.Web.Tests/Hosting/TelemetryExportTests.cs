using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Hosting;

/// <summary>OpenTelemetry is built only when OTEL_EXPORTER_OTLP_ENDPOINT names a collector; otherwise nothing is collected for export.</summary>
public sealed class TelemetryExportTests
{
    [Fact]
    public async Task WithoutAnOtlpEndpointNoTracerOrMeterProviderExists()
    {
        await using var pair = await RedisAppPair.StartAsync();
        using var client = pair.App.CreateAppClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);

        Assert.Null(pair.App.Services.GetService<TracerProvider>());
        Assert.Null(pair.App.Services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task WithAnOtlpEndpointTracesAndMetricsAreBuiltAndAnUnreachableCollectorBreaksNothing()
    {
        // Nothing listens on this port: exporting fails in the background, requests must not notice.
        await using var pair = await RedisAppPair.StartAsync(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9",
        });
        using var client = pair.App.CreateAppClient();

        await client.RegisterAndLoginAsync(Emails.Unique("otlp"));
        var dashboard = await client.GetAsync("/Dashboard");

        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.NotNull(pair.App.Services.GetService<TracerProvider>());
        Assert.NotNull(pair.App.Services.GetService<MeterProvider>());
        Assert.Empty(pair.App.Logs.UnhandledExceptions);
    }
}
