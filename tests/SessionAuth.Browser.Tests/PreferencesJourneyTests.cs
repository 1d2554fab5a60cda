using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SessionAuth.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SessionAuth.Browser.Tests;

/// <summary>A person picks the dark theme and their time zone on the preferences page; this browser keeps them, another does not.</summary>
[Collection(BrowserFixtureGroup.Name)]
public sealed class PreferencesJourneyTests(BrowserFixture fixture)
{
    private const string Password = "correct horse battery staple";

    [Theory]
    [InlineData(1280, 800)]
    [InlineData(390, 844)]
    public async Task ThePersonChoosesTheDarkThemeAndAZoneAndEveryPageOfThisBrowserFollows(int width, int height)
    {
        var email = $"pat-{Guid.NewGuid():N}"[..12] + "@example.com";
        await using var context = await fixture.NewContextAsync(new ViewportSize { Width = width, Height = height });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Register");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByLabel("Confirm password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await SignInAsync(page, email);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-bs-theme", "light");
        await Expect(page.GetByTestId("time-zone")).ToContainTextAsync("Times in UTC");

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Preferences" }).ClickAsync();
        await page.GetByLabel("Dark", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save theme" }).ClickAsync();
        await Expect(page.GetByTestId("preferences-saved")).ToHaveTextAsync("Colour theme saved.");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-bs-theme", "dark");
        await page.GetByLabel("Time zone", new() { Exact = true }).SelectOptionAsync("Asia/Tokyo");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save time zone" }).ClickAsync();
        await Expect(page.GetByTestId("preferences-saved")).ToHaveTextAsync("Time zone saved.");
        await Expect(page.GetByLabel("Dark", new() { Exact = true })).ToBeCheckedAsync();
        await Screenshots.SaveAsync(page, $"20-preferences-dark-{width}");

        await page.GotoAsync("/Dashboard");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-bs-theme", "dark");
        await Expect(page.GetByTestId("time-zone")).ToContainTextAsync("Times in Asia/Tokyo");
        await Expect(page.GetByTestId("absolute-expiry")).ToHaveTextAsync(new Regex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d Asia/Tokyo$"));
        await Screenshots.SaveAsync(page, $"21-dashboard-dark-{width}");
        await page.GotoAsync("/Account/Sessions");
        await Expect(page.GetByTestId("time-zone")).ToHaveTextAsync("Asia/Tokyo");
        await Screenshots.SaveAsync(page, $"22-sessions-dark-{width}");

        // Another browser of the same person keeps its own (none yet).
        await using var other = await fixture.NewContextAsync(new ViewportSize { Width = width, Height = height });
        var second = await other.NewPageAsync();
        await SignInAsync(second, email);
        await Expect(second.Locator("html")).ToHaveAttributeAsync("data-bs-theme", "light");
        await Expect(second.GetByTestId("time-zone")).ToContainTextAsync("Times in UTC");
    }

    private static async Task SignInAsync(IPage page, string email)
    {
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/Dashboard$"));
    }
}
