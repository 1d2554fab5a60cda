using System.Net;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Hosting;

/// <summary>A method a page has no handler for is 405 with an Allow header and the friendly page, never a run of the page without its model (500).</summary>
public sealed class MethodNotAllowedTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    [Theory]
    [InlineData("/Dashboard", "TRACE", "GET, HEAD, OPTIONS")]
    [InlineData("/Dashboard", "PUT", "GET, HEAD, OPTIONS")]
    [InlineData("/Dashboard", "DELETE", "GET, HEAD, OPTIONS")]
    [InlineData("/Dashboard", "PATCH", "GET, HEAD, OPTIONS")]
    [InlineData("/", "TRACE", "GET, HEAD, OPTIONS")]
    [InlineData("/", "PUT", "GET, HEAD, OPTIONS")]
    [InlineData("/", "DELETE", "GET, HEAD, OPTIONS")]
    [InlineData("/", "PATCH", "GET, HEAD, OPTIONS")]
    [InlineData("/", "POST", "GET, HEAD, OPTIONS")]
    [InlineData("/Account/Login", "TRACE", "GET, HEAD, OPTIONS, POST")]
    [InlineData("/Account/Login", "PUT", "GET, HEAD, OPTIONS, POST")]
    [InlineData("/Account/Login", "DELETE", "GET, HEAD, OPTIONS, POST")]
    [InlineData("/Account/Login", "PATCH", "GET, HEAD, OPTIONS, POST")]
    public async Task AMethodThePageHasNoHandlerForIs405WithAllow(string path, string method, string allow)
    {
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("methods"));

        var response = await client.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow));
        Assert.Contains("Not allowed", await AppClient.BodyAsync(response), StringComparison.Ordinal);
        Assert.Empty(fixture.App.Logs.UnhandledExceptions);
    }

    [Fact]
    public async Task OptionsListsTheMethodsAPageAnswers()
    {
        using var client = fixture.App.CreateAppClient();

        var response = await client.Http.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/Account/Register"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("GET, HEAD, OPTIONS, POST", string.Join(", ", response.Content.Headers.Allow));
    }

    [Fact]
    public async Task OptionsOfAMissingPageIsA404WithItsPageNotAnEmpty200()
    {
        using var client = fixture.App.CreateAppClient();

        var response = await client.Http.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/no-such-page"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Page not found", await AppClient.BodyAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheErrorPageOffersNoMadeUpMethods()
    {
        using var client = fixture.App.CreateAppClient();

        var response = await client.Http.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/Error"));

        Assert.DoesNotContain("PAGE", response.Content.Headers.Allow);
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("POST")]
    public async Task HealthProbesAnswerReadsOnly(string method)
    {
        using var client = fixture.App.CreateAppClient();

        var get = await client.Http.GetAsync("/health/live");
        var other = await client.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/health/live"));

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, other.StatusCode);
    }

    [Fact]
    public async Task HeadOfAPageIsAnsweredByItsGetHandler()
    {
        using var client = fixture.App.CreateAppClient();

        var response = await client.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/Account/Login"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
