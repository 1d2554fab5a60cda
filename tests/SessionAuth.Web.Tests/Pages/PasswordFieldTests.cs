using System.Net;
using System.Text.RegularExpressions;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Pages;

/// <summary>
/// What password managers and people need of the password forms: a hidden username field naming the account on the
/// forms without an email field, and a show-password button that a static script adds (the CSP forbids inline script,
/// and without script the fields stay plain password fields).
/// </summary>
public sealed partial class PasswordFieldTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    [Theory]
    [InlineData(AppRoutes.ChangePassword)]
    [InlineData(AppRoutes.DeleteAccount)]
    [InlineData(AppRoutes.ChangeEmail)]
    public async Task ASignedInPasswordFormNamesTheAccountInAHiddenUsernameField(string page)
    {
        var email = Emails.Unique("manager");
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(email);

        var html = await AppClient.BodyAsync(await client.GetAsync(page));

        var field = UsernameField().Match(html);
        Assert.True(field.Success, html);
        Assert.Contains($"value=\"{email}\"", field.Value, StringComparison.Ordinal);
        Assert.Contains(" hidden", field.Value, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(AppRoutes.Login)]
    [InlineData(AppRoutes.Register)]
    public async Task PasswordFieldsAreMarkedForTheToggleAndThePageLoadsItsScriptFromAFile(string page)
    {
        using var client = fixture.App.CreateAppClient();

        var response = await client.GetAsync(page);
        var html = await AppClient.BodyAsync(response);
        var script = ScriptTag().Match(html);

        Assert.Contains("data-password-toggle", html, StringComparison.Ordinal);
        Assert.True(script.Success, html);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var file = await client.GetAsync(script.Groups[1].Value);
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Contains("aria-pressed", await AppClient.BodyAsync(file), StringComparison.Ordinal);
    }

    [GeneratedRegex("<input[^>]*autocomplete=\"username\"[^>]*name=\"username\"[^>]*>|<input[^>]*name=\"username\"[^>]*autocomplete=\"username\"[^>]*>")]
    private static partial Regex UsernameField();

    [GeneratedRegex("<script src=\"(/js/password-toggle\\.js\\?v=[^\"]+)\" defer></script>")]
    private static partial Regex ScriptTag();
}
