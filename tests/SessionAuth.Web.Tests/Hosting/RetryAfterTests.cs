using System.Net;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Hosting;

/// <summary>Every 503 the app sends tells the client when to try again.</summary>
public sealed class RetryAfterTests
{
    [Fact]
    public async Task EveryPageThatAnswers503WhileRedisIsDownSaysRetryAfter()
    {
        await using var pair = await RedisAppPair.StartAsync();
        using var signedIn = pair.App.CreateAppClient();
        await signedIn.RegisterAndLoginAsync(Emails.Unique("retry-after"));
        using var anonymous = pair.App.CreateAppClient();

        await pair.Redis.StopAsync();
        var responses = new Dictionary<string, HttpResponseMessage>
        {
            ["anonymous /Account/Login"] = await anonymous.GetAsync("/Account/Login"),
            ["anonymous /Account/Register"] = await anonymous.GetAsync("/Account/Register"),
            ["anonymous /Dashboard"] = await anonymous.GetAsync("/Dashboard"),
            ["signed-in /Account/Login"] = await signedIn.GetAsync("/Account/Login"),
            ["signed-in /Dashboard"] = await signedIn.GetAsync("/Dashboard"),
            ["signed-in /Account/ChangePassword"] = await signedIn.GetAsync("/Account/ChangePassword"),
            ["/health/ready"] = await anonymous.GetAsync("/health/ready"),
        };

        Assert.Equal(HttpStatusCode.ServiceUnavailable, responses["anonymous /Account/Login"].StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, responses["signed-in /Dashboard"].StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, responses["/health/ready"].StatusCode);
        Assert.All(responses.Where(r => r.Value.StatusCode == HttpStatusCode.ServiceUnavailable), r =>
            Assert.True(r.Value.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"{r.Key}: 503 without Retry-After"));
    }
}
