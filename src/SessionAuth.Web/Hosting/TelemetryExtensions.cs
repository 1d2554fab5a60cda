using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Hosting;

internal static class TelemetryExtensions
{
    /// <summary>The standard variable; its presence is what switches exporting on.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// The app's meter always (cheap, and readable by dotnet-counters); OpenTelemetry traces and metrics
    /// of ASP.NET Core, Redis and EF Core only when OTEL_EXPORTER_OTLP_ENDPOINT names a collector.
    /// Without it nothing is collected for export and nothing leaves the process.
    /// </summary>
    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SessionAuthMetrics>();
        if (string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointVariable]))
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                serviceName: builder.Configuration["OTEL_SERVICE_NAME"] ?? "SessionAuth",
                serviceInstanceId: builder.Configuration[$"{HostingOptions.SectionName}:{nameof(HostingOptions.InstanceName)}"]))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddRedisInstrumentation()
                .AddEntityFrameworkCoreInstrumentation()
                .AddOtlpExporter())
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddMeter(SessionAuthMetrics.MeterName)
                .AddOtlpExporter());
        return builder;
    }
}
