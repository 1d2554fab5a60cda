using System.Diagnostics;
using System.Net;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Hosting;

/// <summary>Cookie attributes, response headers, caching of private pages and body limits (ASVS 3.4, 14.4, 8.2, 13.1).</summary>
public sealed class HeadersAndCookiesTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    [Fact]
    public async Task TheAntiforgeryCookieIsHostPrefixedSecureHttpOnlyAndStrict()
    {
        using var client = fixture.App.CreateAppClient();

        var response = await client.GetAsync("/Account/Login");

        var cookie = AppClient.SetCookie(response, "__Host-antiforgery");
        Assert.NotNull(cookie);
        var attributes = cookie.ToLowerInvariant();
        Assert.Contains("secure", attributes, StringComparison.Ordinal);
        Assert.Contains("httponly", attributes, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", attributes, StringComparison.Ordinal);
        Assert.Contains("path=/", attributes, StringComparison.Ordinal);
        Assert.DoesNotContain("domain=", attributes, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/Account/Login")]
    [InlineData("/Account/Register")]
    [InlineData("/css/site.css")]
    [InlineData("/no-such-page")]
    [InlineData("/Dashboard")]
    public async Task EveryResponseCarriesTheSecurityHeaders(string path)
    {
        using var client = fixture.App.CreateAppClient();

        var response = await client.GetAsync(path);

        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Contains("max-age=31536000", Header(response, "Strict-Transport-Security"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PagesHaveNoInlineScriptOrStyleForTheCspToBlock()
    {
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("inline"));

        foreach (var path in new[] { "/", "/Account/Login", "/Account/Register", "/Dashboard", "/Account/ChangePassword", "/Account/Logout" })
        {
            var html = await AppClient.BodyAsync(await client.GetAsync(path));
            Assert.DoesNotMatch("<script(?![^>]*\\ssrc=)", html);
            Assert.DoesNotContain(" style=\"", html, StringComparison.Ordinal);
            Assert.DoesNotMatch(" on[a-z]+=\"", html);
        }
    }

    [Theory]
    [InlineData("/Dashboard")]
    [InlineData("/Account/ChangePassword")]
    [InlineData("/")]
    public async Task PagesForASignedInPersonAreNeverStored(string path)
    {
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("nostore"));

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, $"Cache-Control: {response.Headers.CacheControl}");
    }

    [Theory]
    [InlineData("/Account/Login", false)]
    [InlineData("/Account/Register", false)]
    [InlineData("/Account/Login", true)]
    public async Task AnOversizedAccountFormIs413WithoutBeingRead(string path, bool chunked)
    {
        using var client = fixture.App.CreateAppClient();
        var token = await client.GetAntiforgeryTokenAsync(path);
        var body = $"__RequestVerificationToken={Uri.EscapeDataString(token)}&Input.Email=a%40b.c&Input.Password={new string('p', 100 * 1024)}";
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        if (chunked)
        {
            content.Headers.ContentLength = null;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (chunked)
        {
            request.Headers.TransferEncodingChunked = true;
        }

        var timer = Stopwatch.StartNew();
        var response = await client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.True(timer.Elapsed < TimeSpan.FromSeconds(1), $"413 took {timer.ElapsedMilliseconds} ms");
        Assert.Contains("Too much data", await AppClient.BodyAsync(response), StringComparison.Ordinal);
        Assert.Empty(fixture.App.Logs.UnhandledExceptions);
    }

    [Fact]
    public async Task ErrorPagesShowNoExceptionDetails()
    {
        using var client = fixture.App.CreateAppClient();

        var notFound = await client.GetAsync("/Account/Nothing-here");
        var direct = await client.GetAsync("/Error?code=500");

        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Contains("Page not found", await AppClient.BodyAsync(notFound), StringComparison.Ordinal);
        // Visited directly, the error page is no error of the server: a 404, whatever the query asks.
        Assert.Equal(HttpStatusCode.NotFound, direct.StatusCode);
        var html = await AppClient.BodyAsync(direct);
        Assert.Contains("Page not found", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" at SessionAuth", html, StringComparison.Ordinal);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : "";
}
