using System.Net;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Hosting;

/// <summary>What only the real server shows.</summary>
public sealed class KestrelHostingTests(KestrelAppFixture fixture) : IClassFixture<KestrelAppFixture>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/Account/Login")]
    [InlineData("/no-such-page")]
    [InlineData("/health/live")]
    public async Task ResponsesNameNoServerSoftware(string path)
    {
        using var client = KestrelHost.Client(fixture.App);

        var response = await client.GetAsync(path);

        Assert.NotEqual(0, (int)response.StatusCode);
        Assert.False(response.Headers.Contains("Server"), $"Server: {string.Join(", ", response.Headers.Server)}");
    }

    [Fact]
    public async Task TraceOfTheDashboardWhileSignedInIs405NotA500()
    {
        var cookies = new CookieContainer();
        using var http = KestrelHost.Client(fixture.App, cookies);
        using var client = new AppClient(http);
        var email = Emails.Unique("trace");
        await client.RegisterAsync(email);
        await client.LoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/Dashboard")).StatusCode);

        var response = await RawResponse.SendAsync(fixture.Address, "TRACE", "/Dashboard", cookies.GetCookieHeader(fixture.Address));

        Assert.Equal(405, response.Status);
        Assert.Equal("GET, HEAD, OPTIONS", response.Header("Allow"));
        Assert.Empty(fixture.App.Logs.UnhandledExceptions);
    }
}
