using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SessionAuth.Web.Hosting;

/// <summary>
/// The health endpoints' body. Anyone gets the overall status (the status code says it too), which is
/// all a load balancer or an orchestrator's probe needs. Each check's name, status and duration, and
/// the total duration, go only to a request from this machine (a loopback address, after forwarded
/// headers: a client reached through a local proxy is not local), so an operator on the host sees
/// which dependency is slow or away while outsiders learn nothing of what the app runs on. Check
/// descriptions and exceptions never appear.
/// </summary>
internal static class HealthResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var body = ShowsDetails(context)
            ? new HealthBody(
                report.Status.ToString(),
                Math.Round(report.TotalDuration.TotalMilliseconds, 1),
                report.Entries.ToDictionary(
                    entry => entry.Key,
                    entry => new HealthCheckBody(entry.Value.Status.ToString(), Math.Round(entry.Value.Duration.TotalMilliseconds, 1))))
            : new HealthBody(report.Status.ToString(), DurationMs: null, Checks: null);
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, body, HealthJsonContext.Default.HealthBody, context.RequestAborted);
    }

    private static bool ShowsDetails(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address
        && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}

internal sealed record HealthBody(
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? DurationMs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, HealthCheckBody>? Checks);

internal sealed record HealthCheckBody(string Status, double DurationMs);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HealthBody))]
internal sealed partial class HealthJsonContext : JsonSerializerContext;
