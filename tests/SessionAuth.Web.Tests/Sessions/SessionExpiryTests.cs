using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Sessions;

/// <summary>Idle and absolute expiry each end a session, enforced by the server, not the cookie.</summary>
public sealed class SessionExpiryTests
{
    [Fact]
    public async Task AnIdleSessionEndsAfterTheIdleTimeoutButUseKeepsItAlive()
    {
        // Redis enforces idle expiry with the key's TTL, in real time: a short configured timeout,
        // with requests 1 s apart so that a busy machine has 5 s of slack before a false expiry.
        await using var pair = await RedisAppPair.StartAsync(new Dictionary<string, string?>
        {
            ["Sessions:IdleTimeout"] = "00:00:06",
        });
        using var busy = pair.App.CreateAppClient();
        using var idle = pair.App.CreateAppClient();
        var busyCookie = await busy.RegisterAndLoginAsync(Emails.Unique("busy"));
        var idleCookie = await idle.RegisterAndLoginAsync(Emails.Unique("idle"));
        var sinceIdleLogin = System.Diagnostics.Stopwatch.StartNew();

        while (sinceIdleLogin.Elapsed < TimeSpan.FromSeconds(6.5))
        {
            await Task.Delay(1000);
            Assert.Equal(HttpStatusCode.OK, (await busy.GetAsync("/Dashboard")).StatusCode);
        }

        // More than the idle timeout has passed for the untouched session only.
        var idleResponse = await idle.GetAsync("/Dashboard");
        Assert.Equal(HttpStatusCode.Redirect, idleResponse.StatusCode);
        Assert.StartsWith("/Account/Login", idleResponse.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.False(await pair.Redis.Db.KeyExistsAsync(SessionKeys.For(idleCookie)));
        Assert.True(await pair.Redis.Db.KeyExistsAsync(SessionKeys.For(busyCookie)));
    }

    [Fact]
    public async Task AnActiveSessionEndsAtTheAbsoluteTimeoutAndItsRecordIsDeleted()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var pair = await RedisAppPair.StartAsync(
            new Dictionary<string, string?> { ["Sessions:AbsoluteTimeout"] = "08:00:00" },
            services => services.AddSingleton<TimeProvider>(clock));
        using var client = pair.App.CreateAppClient();
        var cookie = await client.RegisterAndLoginAsync(Emails.Unique("absolute"));

        // Busy all day: a request every 15 minutes keeps the idle expiry sliding.
        for (var i = 0; i < 31; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(15));
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Dashboard")).StatusCode);
        }

        clock.Advance(TimeSpan.FromMinutes(15)); // 8 h since sign-in
        var response = await client.GetAsync("/Dashboard");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.False(await pair.Redis.Db.KeyExistsAsync(SessionKeys.For(cookie)));
    }
}
