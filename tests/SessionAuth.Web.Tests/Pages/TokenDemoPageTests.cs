using System.Net;
using System.Text.RegularExpressions;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Pages;

/// <summary>
/// /TokenDemo as served: open to anyone, in the navigation, its script a static file under the strict
/// CSP. What the script does is the browser test's (TokenDemoTests in SessionAuth.Browser.Tests).
/// </summary>
public sealed partial class TokenDemoPageTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    [Theory]
    [InlineData("/TokenDemo")]
    [InlineData("/tokendemo/")]
    public async Task TheTokenDemoOpensWithoutSignInAndIsTheCurrentPageInTheNavigation(string path)
    {
        using var client = fixture.App.CreateAppClient();

        var response = await client.GetAsync(path);
        var html = await AppClient.BodyAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["Token demo"], [.. CurrentLink().Matches(html).Select(m => m.Groups["name"].Value)]);
        Assert.Contains("This demo needs JavaScript", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTokenDemoIsLinkedFromTheNavigationForSignedInPeopleToo()
    {
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("demo-nav"));

        var html = await AppClient.BodyAsync(await client.GetAsync("/Dashboard"));

        Assert.Matches("<a class=\"nav-link\\s*\"[^>]* href=\"/TokenDemo\">Token demo</a>", html);
    }

    [Fact]
    public async Task TheTokenDemoRunsOnlyItsVersionedStaticScriptUnderTheStrictPolicy()
    {
        using var client = fixture.App.CreateAppClient();

        var response = await client.GetAsync("/TokenDemo");
        var html = await AppClient.BodyAsync(response);

        var csp = string.Join(" ", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        var scripts = ScriptTag().Matches(html).Select(m => m.Value).ToList();
        var script = Assert.Single(scripts);
        Assert.Matches("^<script type=\"module\" src=\"/js/token-demo\\.js\\?v=[A-Za-z0-9_-]{43}\"></script>$", script);
        Assert.DoesNotMatch(InlineHandler(), html);

        var file = await client.GetAsync(ScriptSource().Match(script).Groups["src"].Value);
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("text/javascript", file.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task TheTokenDemoScriptNeverTouchesStorageOrCookies()
    {
        using var client = fixture.App.CreateAppClient();

        var script = await AppClient.BodyAsync(await client.GetAsync("/js/token-demo.js"));

        Assert.DoesNotMatch(@"\b(localStorage|sessionStorage|indexedDB)\s*[.\[]|document\s*\.\s*cookie", script);
        Assert.Contains("credentials: \"omit\"", script, StringComparison.Ordinal);
    }

    [GeneratedRegex("<a [^>]*aria-current=\"page\"[^>]*>(?<name>[^<]+)</a>")]
    private static partial Regex CurrentLink();

    [GeneratedRegex("<script\\b[^>]*>[\\s\\S]*?</script>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();

    [GeneratedRegex("src=\"(?<src>[^\"]+)\"")]
    private static partial Regex ScriptSource();

    // onclick=, onload=, … on any element: the CSP would block them, and the page must not need them.
    [GeneratedRegex("<[a-z][^>]*\\son[a-z]+\\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex InlineHandler();
}
