using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Hosting;

/// <summary>
/// Production reached over plain http (no TLS proxy in front) with Secure cookies: GET and HEAD go to
/// https with 308, anything else is a 400 page that says why, and nothing is a 500, with or without a
/// session cookie. Health probes answer over http. Trusted proxies are single addresses or CIDR networks.
/// </summary>
public sealed class PlainHttpTests
{
    [Theory]
    [InlineData("GET", "/Account/Login")]
    [InlineData("GET", "/Account/Register?ReturnUrl=%2FDashboard")]
    [InlineData("GET", "/Dashboard")]
    [InlineData("HEAD", "/")]
    [InlineData("GET", "/css/site.css")]
    public async Task ReadingOverPlainHttpIsRedirectedToHttpsWith308(string method, string pathAndQuery)
    {
        await using var pair = await StartProductionAsync();
        Assert.Equal(Environments.Production, pair.App.Services.GetRequiredService<IWebHostEnvironment>().EnvironmentName);
        using var client = PlainHttpClient(pair.App);

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), pathAndQuery));

        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal(new Uri("https://localhost" + pathAndQuery), response.Headers.Location);
    }

    [Theory]
    [InlineData("POST", "/Account/Login")]
    [InlineData("PUT", "/")]
    [InlineData("DELETE", "/")]
    [InlineData("PATCH", "/")]
    [InlineData("POST", "/Account/Logout")]
    [InlineData("OPTIONS", "/Dashboard")]
    [InlineData("OPTIONS", "/")]
    public async Task ChangingOverPlainHttpIsA400PageThatSaysWhy(string method, string path)
    {
        await using var pair = await StartProductionAsync();
        using var client = PlainHttpClient(pair.App);

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = new FormUrlEncodedContent([new("Input.Email", "someone@example.com")]),
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("needs a secure connection", await AppClient.BodyAsync(response), StringComparison.Ordinal);
        Assert.Empty(pair.App.Logs.UnhandledExceptions);
    }

    [Fact]
    public async Task ASessionCookieSentOverPlainHttpGetsNoErrorAndIsNotRead()
    {
        await using var pair = await StartProductionAsync();
        using var https = pair.App.CreateAppClient();
        var cookie = await https.RegisterAndLoginAsync(Emails.Unique("plain-http"));
        using var client = PlainHttpClient(pair.App);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Cookie", $"{AppClient.SessionCookieName}={cookie}");
        var calls = await pair.Redis.CommandCallsAsync();

        var page = await client.GetAsync("/Dashboard");
        var post = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.PermanentRedirect, page.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        var html = await AppClient.BodyAsync(post);
        Assert.DoesNotContain("Signed in as", html, StringComparison.Ordinal);
        Assert.Equal(calls.GetValueOrDefault("getex"), (await pair.Redis.CommandCallsAsync()).GetValueOrDefault("getex"));
        Assert.Empty(pair.App.Logs.UnhandledExceptions);
        Assert.Equal(HttpStatusCode.OK, (await https.GetAsync("/Dashboard")).StatusCode); // the session was not ended
    }

    [Fact]
    public async Task HealthProbesAnswerOverPlainHttp()
    {
        await using var pair = await StartProductionAsync();
        using var client = PlainHttpClient(pair.App);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task OverHttpsProductionServesThePages()
    {
        await using var pair = await StartProductionAsync();
        using var client = pair.App.CreateAppClient();

        var response = await client.GetAsync("/Account/Login");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("172.18.3.4", HttpStatusCode.OK)]
    [InlineData("10.9.8.7", HttpStatusCode.OK)]
    [InlineData("172.19.0.1", HttpStatusCode.PermanentRedirect)]
    [InlineData("10.9.8.6", HttpStatusCode.PermanentRedirect)]
    public async Task XForwardedProtoIsBelievedFromTrustedProxyAddressesAndNetworksOnly(string proxy, HttpStatusCode expected)
    {
        await using var pair = await StartProductionAsync();
        var context = await pair.App.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Scheme = "http";
            c.Request.Host = new Microsoft.AspNetCore.Http.HostString("app.example");
            c.Request.Path = "/Account/Login";
            c.Request.Headers["X-Forwarded-Proto"] = "https";
            c.Request.Headers["X-Forwarded-For"] = "203.0.113.9";
            c.Connection.RemoteIpAddress = IPAddress.Parse(proxy);
        });

        Assert.Equal((int)expected, context.Response.StatusCode);
    }

    private static Task<RedisAppPair> StartProductionAsync() => RedisAppPair.StartAsync(new Dictionary<string, string?>
    {
        [WebHostDefaults.EnvironmentKey] = Environments.Production,
        ["Hosting:TrustedProxies:0"] = "172.18.0.0/16",
        ["Hosting:TrustedProxies:1"] = "10.9.8.7",
    });

    private static HttpClient PlainHttpClient(SessionAuthApplication app) => app.CreateClient(new WebApplicationFactoryClientOptions
    {
        AllowAutoRedirect = false,
        BaseAddress = new Uri("http://localhost"),
        HandleCookies = false,
    });
}
