using System.Net;
using SessionAuth.Web.Pages;
using SessionAuth.Web.Pages.Account;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Pages;

/// <summary>
/// /Account/Preferences: a colour theme and a time zone kept in HttpContext.Session, so per device
/// (per sign-in session), on every signed-in page, and never a 5xx for a bad value.
/// </summary>
public sealed class PreferencesTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    [Fact]
    public async Task ThemeAndTimeZoneApplyToThisDeviceOnlyThroughItsOneSessionCookie()
    {
        var email = Emails.Unique("prefs");
        using var laptop = fixture.App.CreateAppClient();
        using var phone = fixture.App.CreateAppClient();
        await laptop.RegisterAndLoginAsync(email);
        await phone.LoginAsync(email);
        Assert.Equal(("light", "UTC"), await laptop.DashboardPreferencesAsync());

        var theme = await laptop.SetThemeAsync("dark");
        var zone = await laptop.SetTimeZoneAsync("Europe/Paris");

        Assert.Equal(HttpStatusCode.Redirect, theme.StatusCode);
        Assert.Equal("/Account/Preferences?Saved=theme", theme.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, zone.StatusCode);
        // No cookie of its own: the data rides in the sign-in session.
        Assert.Null(theme.Headers.TryGetValues("Set-Cookie", out var cookies) ? string.Join(";", cookies) : null);
        Assert.Equal(("dark", "Europe/Paris"), await laptop.DashboardPreferencesAsync());
        Assert.Equal(("light", "UTC"), await phone.DashboardPreferencesAsync());
        var sessionsPage = await AppClient.BodyAsync(await laptop.GetAsync("/Account/Sessions"));
        Assert.Contains("data-bs-theme=\"dark\"", sessionsPage, StringComparison.Ordinal);
        Assert.Contains("<strong data-testid=\"time-zone\">Europe/Paris</strong>", sessionsPage, StringComparison.Ordinal);
        Assert.Matches(@"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d Europe/Paris", sessionsPage);
    }

    [Fact]
    public async Task ThePreferencesPageShowsTheStoredChoicesAndIsLinkedFromTheNavigation()
    {
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("prefs-page"));
        await client.SetThemeAsync("dark");
        await client.SetTimeZoneAsync("America/New_York");

        var html = await AppClient.BodyAsync(await client.GetAsync("/Account/Preferences?Saved=time-zone"));

        Assert.Contains("href=\"/Account/Preferences\">Preferences</a>", html, StringComparison.Ordinal);
        Assert.Matches("<input[^>]*value=\"dark\"[^>]*checked=\"checked\"|<input[^>]*checked=\"checked\"[^>]*value=\"dark\"", html);
        Assert.Contains("<option selected=\"selected\" value=\"America/New_York\">", html, StringComparison.Ordinal);
        Assert.Contains("Time zone saved.", html, StringComparison.Ordinal);
        // The sign-out form's, and one in each preference form.
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(html, "name=\"__RequestVerificationToken\""));
    }

    [Theory]
    [InlineData("Theme", "blue")]
    [InlineData("Theme", "")]
    [InlineData("Theme", "DARK")]
    [InlineData("Theme", " dark")]
    [InlineData("TimeZone", "Mars/Olympus_Mons")]
    [InlineData("TimeZone", "../../../etc/passwd")]
    [InlineData("TimeZone", "UTC+05:00")]
    [InlineData("TimeZone", "")]
    public async Task ABadValueIsAFieldErrorNeverA5xxAndChangesNothing(string field, string value)
    {
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("prefs-bad"));

        var response = await client.SubmitAsync(PreferenceForms.Path, [new($"Input.{field}", value)], postPath: $"{PreferenceForms.Path}?handler={field}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await AppClient.BodyAsync(response);
        Assert.Contains("data-testid=\"error-summary\"", html, StringComparison.Ordinal);
        Assert.Contains(field == "Theme" ? PreferencesModel.UnknownTheme : PreferencesModel.UnknownTimeZone, html, StringComparison.Ordinal);
        Assert.Contains($"href=\"#Input_{field}\"", html, StringComparison.Ordinal);
        Assert.Equal(("light", "UTC"), await client.DashboardPreferencesAsync());
    }

    [Fact]
    public async Task APreferenceThatWouldPassTheSessionDataLimitIsAFieldErrorAndChangesNothing()
    {
        // Room for the theme ("display.theme" + "dark": 17 bytes), not for a time zone besides.
        await using var pair = await RedisAppPair.StartAsync(new Dictionary<string, string?> { ["Sessions:MaxDataBytes"] = "32" });
        using var client = pair.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("prefs-full"));

        var theme = await client.SetThemeAsync("dark");
        var zone = await client.SetTimeZoneAsync("Europe/Paris");

        Assert.Equal(HttpStatusCode.Redirect, theme.StatusCode);
        Assert.Equal(HttpStatusCode.OK, zone.StatusCode);
        var html = await AppClient.BodyAsync(zone);
        Assert.Contains("data-testid=\"error-summary\"", html, StringComparison.Ordinal);
        Assert.Contains(PreferencesModel.TooMuchData, html, StringComparison.Ordinal);
        Assert.Contains("href=\"#Input_TimeZone\"", html, StringComparison.Ordinal);
        Assert.Equal(("dark", "UTC"), await client.DashboardPreferencesAsync());
        Assert.Empty(pair.App.Logs.UnhandledExceptions);
    }

    [Fact]
    public async Task AMissingFieldOrAnOverlongValueIsAFieldErrorToo()
    {
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("prefs-missing"));

        var missing = await client.SubmitAsync(PreferenceForms.Path, [], postPath: $"{PreferenceForms.Path}?handler=Theme");
        var overlong = await client.SetTimeZoneAsync(new string('A', 10_000));

        Assert.Equal(HttpStatusCode.OK, missing.StatusCode);
        Assert.Contains(PreferencesModel.UnknownTheme, await AppClient.BodyAsync(missing), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, overlong.StatusCode);
        Assert.Contains(PreferencesModel.UnknownTimeZone, await AppClient.BodyAsync(overlong), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFormWithoutTheSessionsCsrfTokenIsRefused()
    {
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("prefs-csrf"));

        var response = await client.Http.PostAsync($"{PreferenceForms.Path}?handler=Theme",
            new FormUrlEncodedContent([new("Input.Theme", "dark")]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(("light", "UTC"), await client.DashboardPreferencesAsync());
    }

    [Fact]
    public async Task ParallelThemeAndTimeZonePostsOfOneSessionAreBothKeptInEachOfTenRounds()
    {
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("prefs-parallel"));
        string[] zones = ["Europe/Paris", "Asia/Tokyo"];

        for (var round = 0; round < 10; round++)
        {
            var (theme, zone) = (DisplayPreferences.Themes[round % 2], zones[round % 2]);
            var posts = await Task.WhenAll(client.SetThemeAsync(theme), client.SetTimeZoneAsync(zone));

            Assert.All(posts, post => Assert.Equal(HttpStatusCode.Redirect, post.StatusCode));
            Assert.Equal((theme, zone), await client.DashboardPreferencesAsync());
        }
    }

    [Fact]
    public async Task AnonymousPagesAreLightAndThePreferencesPageAsksToSignIn()
    {
        using var client = fixture.App.CreateAppClient();

        var home = await AppClient.BodyAsync(await client.GetAsync("/"));
        var preferences = await client.GetAsync(PreferenceForms.Path);

        Assert.Contains("<html lang=\"en\" data-bs-theme=\"light\">", home, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, preferences.StatusCode);
        Assert.StartsWith("/Account/Login", preferences.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }
}
