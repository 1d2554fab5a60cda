using System.Net;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Pages;

/// <summary>The sessions page while Redis is away: a 503 with Retry-After (never a 500), nothing ended, and it works again by itself.</summary>
public sealed class SessionsPageOutageTests
{
    [Fact]
    public async Task ARevokeWhileRedisIsDownIsA503AndTheSessionLivesOnAfterRedisReturns()
    {
        await using var pair = await RedisAppPair.StartAsync(
            new Dictionary<string, string?> { ["Redis:OperationTimeout"] = "00:00:01" }, persistentRedis: true);
        var email = Emails.Unique("revoke-outage");
        using var mine = pair.App.CreateAppClient();
        using var other = pair.App.CreateAppClient();
        await SessionsPage.SignInTwiceAsync(mine, other, email);
        var handle = (await SessionsPage.RowsAsync(mine)).Single(r => !r.IsCurrent).Handle!;
        var token = await mine.GetAntiforgeryTokenAsync(SessionsPage.Path);

        await pair.Redis.StopAsync();
        var revoke = await mine.Http.PostAsync($"{SessionsPage.Path}?handler=Revoke",
            new FormUrlEncodedContent([new("Handle", handle), new("__RequestVerificationToken", token)]));
        var page = await mine.GetAsync(SessionsPage.Path);
        await pair.Redis.RestartAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, revoke.StatusCode);
        Assert.NotNull(revoke.Headers.RetryAfter);
        Assert.Contains("temporarily unavailable", await AppClient.BodyAsync(revoke), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Empty(pair.App.Logs.UnhandledExceptions);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        HttpResponseMessage back;
        while ((back = await other.GetAsync("/Dashboard")).StatusCode != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        Assert.Equal(2, (await SessionsPage.RowsAsync(mine)).Count);
    }
}
