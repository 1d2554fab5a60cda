using System.Net;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Pages;

/// <summary>
/// Whatever ReturnUrl a sign-in carries, the answer is a 302 to an ASCII, local Location, the
/// session cookie is set, and exactly one session exists: the target is checked before the session is written.
/// </summary>
public sealed class ReturnUrlTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    /// <summary>The ReturnUrl as the app decodes it from the query, and where sign-in must lead.</summary>
    public static TheoryData<string, string> Targets => new()
    {
        { "/\u3000", "/%E3%80%80" },                          // ideographic space (sent as /%E3%80%80)
        { "/\uFF0F/", "/%EF%BC%8F/" },                        // fullwidth solidus: stays a path on this site
        { "/\uFF0F\uFF0Fevil.example", "/%EF%BC%8F%EF%BC%8Fevil.example" },
        { "/caf\u00E9?q=\u00FC#t\u00E9", "/caf%C3%A9?q=%C3%BC#t%C3%A9" },
        { "/a b", "/a%20b" },
        { "/\U0001F511", "/%F0%9F%94%91" },                   // outside the BMP: a surrogate pair
        { "/\u2028", "/" },                                   // line separator: refused
        { "/\u2029x", "/" },                                  // paragraph separator: refused
        { "/\u202Eevil", "/" },                               // right-to-left override: refused
        { "/\u0085", "/" },                                   // C1 next line: refused
        { "/Dashboard\r\nSet-Cookie: a=b", "/" },             // header injection: refused
        { "//evil.example", "/" },
        { "/\\evil.example", "/" },
        { "https://evil.example/", "/" },
        { "/Dashboard?tab=sessions", "/Dashboard?tab=sessions" },
    };

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task SignInWithAnyReturnUrlRedirectsToASafeAsciiTargetAndLeavesExactlyOneSession(string returnUrl, string expected)
    {
        var email = Emails.Unique("return");
        using var client = fixture.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await client.RegisterAsync(email)).StatusCode);

        var login = await client.LoginAsync(email, returnUrl: returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var location = LocationOf(login);
        Assert.Equal(expected, location);
        Assert.True(location.All(c => c is > ' ' and < '\u007F'), $"Location {location} is not plain ASCII.");
        Assert.NotNull(AppClient.SessionCookieValue(login));
        var user = await AccountsDb.UserAsync(fixture.App, email);
        Assert.Equal(1, await AccountsDb.SessionCountAsync(fixture.App, user.Id));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Dashboard")).StatusCode);
    }

    [Fact]
    public async Task RegisterPassesANonAsciiReturnUrlOnToSignInSafely()
    {
        var email = Emails.Unique("return-register");
        using var client = fixture.App.CreateAppClient();
        const string register = "/Account/Register?ReturnUrl=%2F%E3%80%80";

        var registered = await client.SubmitAsync(register,
            [new("Input.Email", email), new("Input.Password", AppClient.Password), new("Input.ConfirmPassword", AppClient.Password)]);

        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        var loginPage = LocationOf(registered);
        Assert.StartsWith("/Account/Login?", loginPage, StringComparison.Ordinal);
        Assert.True(loginPage.All(c => c is > ' ' and < '\u007F'), $"Location {loginPage} is not plain ASCII.");
        var login = await client.SubmitAsync(loginPage, [new("Input.Email", email), new("Input.Password", AppClient.Password)]);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/%E3%80%80", LocationOf(login));
        Assert.NotNull(AppClient.SessionCookieValue(login));
    }

    private static string LocationOf(HttpResponseMessage response) =>
        response.Headers.Location?.OriginalString ?? throw new InvalidOperationException("No Location header.");
}
