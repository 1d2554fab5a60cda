using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Hosting;

/// <summary>
/// /health/live and /health/ready answer JSON. Anyone gets the overall status; a request from this
/// machine (loopback) also gets each check's status and duration.
/// </summary>
public sealed class HealthJsonTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public async Task ReadinessFromThisMachineNamesRedisAndTheAccountsDatabaseWithStatusAndDuration(string local)
    {
        await using var pair = await RedisAppPair.StartAsync();

        var (status, contentType, text) = await GetAsync(pair.App, "/health/ready", local);

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.StartsWith("application/json", contentType, StringComparison.Ordinal);
        using var body = JsonDocument.Parse(text);
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        Assert.True(body.RootElement.GetProperty("durationMs").GetDouble() >= 0);
        var checks = body.RootElement.GetProperty("checks");
        Assert.Equal(["accounts-db", "redis"], checks.EnumerateObject().Select(c => c.Name).Order(StringComparer.Ordinal));
        foreach (var check in checks.EnumerateObject())
        {
            Assert.Equal("Healthy", check.Value.GetProperty("status").GetString());
            Assert.True(check.Value.GetProperty("durationMs").GetDouble() >= 0, check.Name);
        }
    }

    [Theory]
    [InlineData("203.0.113.9", null)]
    [InlineData("2001:db8::7", null)]
    [InlineData("127.0.0.1", "203.0.113.9")] // through a proxy on this machine: the client is not local
    [InlineData(null, null)]
    public async Task ReadinessFromAnywhereElseIsTheOverallStatusOnly(string? remote, string? forwardedFor)
    {
        await using var pair = await RedisAppPair.StartAsync();

        var (status, contentType, text) = await GetAsync(pair.App, "/health/ready", remote, forwardedFor);

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.StartsWith("application/json", contentType, StringComparison.Ordinal);
        using var body = JsonDocument.Parse(text);
        Assert.Equal(["status"], body.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        Assert.DoesNotContain("redis", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("accounts-db", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LivenessIsJsonAndAsksNoDependency()
    {
        await using var pair = await RedisAppPair.StartAsync();
        await pair.Redis.StopAsync();

        var (status, _, text) = await GetAsync(pair.App, "/health/live", "127.0.0.1");

        Assert.Equal(StatusCodes.Status200OK, status);
        using var body = JsonDocument.Parse(text);
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        Assert.Empty(body.RootElement.GetProperty("checks").EnumerateObject());
    }

    [Fact]
    public async Task ReadinessWithRedisAwayIs503WithRetryAfterAndNamesTheFailingCheckOnlyToThisMachine()
    {
        await using var pair = await RedisAppPair.StartAsync();
        using var client = pair.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        await pair.Redis.StopAsync();

        var response = await client.GetAsync("/health/ready");
        var (_, _, local) = await GetAsync(pair.App, "/health/ready", "127.0.0.1");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.Contains("Retry-After"));
        Assert.Equal("""{"status":"Unhealthy"}""", await response.Content.ReadAsStringAsync());
        using var body = JsonDocument.Parse(local);
        Assert.Equal("Unhealthy", body.RootElement.GetProperty("status").GetString());
        var checks = body.RootElement.GetProperty("checks");
        Assert.Equal("Unhealthy", checks.GetProperty("redis").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("accounts-db").GetProperty("status").GetString());
        // Even locally: statuses and durations, no exception text or connection details.
        Assert.DoesNotContain("127.0.0.1", local, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", local, StringComparison.Ordinal);
    }

    private static async Task<(int Status, string? ContentType, string Body)> GetAsync(
        SessionAuthApplication app, string path, string? remote, string? forwardedFor = null)
    {
        var context = await app.Server.SendAsync(c =>
        {
            c.Request.Method = HttpMethods.Get;
            c.Request.Path = path;
            c.Connection.RemoteIpAddress = remote is null ? null : IPAddress.Parse(remote);
            if (forwardedFor is not null)
            {
                c.Request.Headers["X-Forwarded-For"] = forwardedFor;
            }
        });
        using var reader = new StreamReader(context.Response.Body);
        return (context.Response.StatusCode, context.Response.ContentType, await reader.ReadToEndAsync());
    }
}
