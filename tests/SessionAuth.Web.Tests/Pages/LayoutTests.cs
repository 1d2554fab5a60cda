using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Pages;

/// <summary>What the shared layout promises on every page: where you are, who you are, a cache-safe stylesheet.</summary>
public sealed partial class LayoutTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    [Theory]
    [InlineData("/Account/Login", "Sign in")]
    [InlineData("/Account/Register", "Register")]
    [InlineData("/", "Home")]
    public async Task TheNavigationMarksTheCurrentPageForAnonymousVisitors(string path, string current)
    {
        using var client = fixture.App.CreateAppClient();

        var html = await AppClient.BodyAsync(await client.GetAsync(path));

        Assert.Equal([current], CurrentLinks(html));
    }

    [Theory]
    [InlineData("/Dashboard", "Dashboard")]
    [InlineData("/dashboard/", "Dashboard")]
    [InlineData("/", "Home")]
    [InlineData("/Account/ChangePassword", null)]
    public async Task TheNavigationMarksTheCurrentPageWhenSignedIn(string path, string? current)
    {
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("nav"));

        var html = await AppClient.BodyAsync(await client.GetAsync(path));

        Assert.Equal(current is null ? [] : [current], CurrentLinks(html));
    }

    [Fact]
    public async Task TheNavigationHoldsTheWholeAddressInItsTextAndTitle()
    {
        var email = Emails.Unique("a-rather-long-name-for-a-phone-screen");
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(email);

        var html = await AppClient.BodyAsync(await client.GetAsync("/Dashboard"));

        var signedInAs = SignedInAs().Match(html);
        Assert.True(signedInAs.Success, "No signed-in-as element.");
        Assert.Equal(email, WebUtility.HtmlDecode(signedInAs.Groups["title"].Value));
        Assert.Equal($"Signed in as {email}", WebUtility.HtmlDecode(Tags().Replace(signedInAs.Groups["text"].Value, "")).Trim());
    }

    [Fact]
    public async Task TheStylesheetUrlCarriesTheHashOfTheFileAndServesIt()
    {
        using var client = fixture.App.CreateAppClient();
        var file = fixture.App.Services.GetRequiredService<IWebHostEnvironment>().WebRootFileProvider.GetFileInfo("css/site.css");
        await using var stream = file.CreateReadStream();
        var expected = Convert.ToBase64String(await SHA256.HashDataAsync(stream)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        var html = await AppClient.BodyAsync(await client.GetAsync("/Account/Login"));
        var href = Regex.Match(html, "<link rel=\"stylesheet\" href=\"(/css/site\\.css\\?v=[^\"]+)\"").Groups[1].Value;
        var css = await client.GetAsync(href);

        Assert.Equal($"/css/site.css?v={expected}", href);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
    }

    private static List<string> CurrentLinks(string html) =>
        [.. CurrentLink().Matches(html).Select(m => m.Groups["name"].Value)];

    [GeneratedRegex("<a [^>]*aria-current=\"page\"[^>]*>(?<name>[^<]+)</a>")]
    private static partial Regex CurrentLink();

    [GeneratedRegex("data-testid=\"signed-in-as\" title=\"(?<title>[^\"]*)\">(?<text>.*?)</span>\\s*<form", RegexOptions.Singleline)]
    private static partial Regex SignedInAs();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();
}
