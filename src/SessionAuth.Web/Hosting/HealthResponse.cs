using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SessionAuth.Web.Hosting;

/// <summary>
/// The health endpoints' body: the overall status and each check's status and duration, so an
/// operator sees which dependency is slow or away. Check descriptions and exceptions stay out: a
/// probe answers over plain http to whoever asks.
/// </summary>
internal static class HealthResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var body = new HealthBody(
            report.Status.ToString(),
            Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new HealthCheckBody(entry.Value.Status.ToString(), Math.Round(entry.Value.Duration.TotalMilliseconds, 1))));
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, body, HealthJsonContext.Default.HealthBody, context.RequestAborted);
    }
}

internal sealed record HealthBody(string Status, double DurationMs, IReadOnlyDictionary<string, HealthCheckBody> Checks);

internal sealed record HealthCheckBody(string Status, double DurationMs);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HealthBody))]
internal sealed partial class HealthJsonContext : JsonSerializerContext;
