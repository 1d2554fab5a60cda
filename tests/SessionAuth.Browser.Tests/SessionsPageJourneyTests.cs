using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SessionAuth.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using static SessionAuth.Browser.Tests.Infrastructure.PageSteps;

namespace SessionAuth.Browser.Tests;

/// <summary>Two browsers signed in as one person: the sessions page lists both, and ending one from the other signs it out at once.</summary>
[Collection(BrowserFixtureGroup.Name)]
public sealed class SessionsPageJourneyTests(BrowserFixture fixture)
{
    private const string Password = "correct horse battery staple";
    private const string AndroidChrome =
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";

    [Fact]
    public async Task ThePersonEndsTheirOtherSessionFromTheSessionsPageAndThatBrowsersNextClickLandsOnTheLoginPage()
    {
        var email = $"sam-{Guid.NewGuid():N}"[..12] + "@example.com";
        await using var desktop = await fixture.NewContextAsync();
        var laptop = await desktop.NewPageAsync();
        await using var mobile = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.App.BaseAddress.ToString(),
            IgnoreHTTPSErrors = true,
            UserAgent = AndroidChrome,
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            IsMobile = true,
            HasTouch = true,
        });
        var phone = await mobile.NewPageAsync();
        await laptop.GotoAsync("/Account/Register");
        await laptop.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await laptop.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await laptop.GetByLabel("Confirm password", new() { Exact = true }).FillAsync(Password);
        await laptop.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await SignInAsync(laptop, email);
        await SignInAsync(phone, email);

        // The laptop opens the sessions page from the navigation bar: two sessions, the phone's first (newest).
        await Navigation(laptop).GetByRole(AriaRole.Link, new() { Name = "Sessions", Exact = true }).ClickAsync();
        await Expect(laptop).ToHaveURLAsync(PathIs("/Account/Sessions"));
        await Expect(laptop.GetByRole(AriaRole.Heading, new() { Name = "Your sessions" })).ToBeVisibleAsync();
        var rows = laptop.Locator("[data-testid=session-row]");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(0)).ToContainTextAsync("Chrome 131 on Android");
        await Expect(rows.Nth(0)).Not.ToContainTextAsync("This device");
        await Expect(rows.Nth(1)).ToContainTextAsync("This device");
        await Expect(rows.Nth(1)).ToContainTextAsync("Headless Chrome");
        await Expect(laptop.Locator("[data-testid=activity-row]").First).ToBeVisibleAsync();
        await Screenshots.SaveAsync(laptop, "08-sessions-desktop");

        // The same page on the phone: one card per session, nothing wider than the screen.
        await phone.GotoAsync("/Account/Sessions");
        await Expect(phone.Locator("[data-testid=session-row]")).ToHaveCountAsync(2);
        await Expect(phone.Locator("[data-testid=session-row]").Nth(0)).ToContainTextAsync("This device");
        await AssertNoHorizontalScrollAsync(phone);
        await Screenshots.SaveAsync(phone, "09-sessions-phone");

        await rows.Filter(new() { HasNotText = "This device" }).GetByRole(AriaRole.Button, new() { Name = "End this session" }).ClickAsync();

        await Expect(laptop.GetByRole(AriaRole.Status)).ToHaveTextAsync("1 session ended.");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("This device");
        await Screenshots.SaveAsync(laptop, "10-sessions-after-revoke");

        // The phone's very next click is anonymous.
        await Navigation(phone).GetByRole(AriaRole.Link, new() { Name = "Dashboard", Exact = true }).ClickAsync();
        await Expect(phone).ToHaveURLAsync(PathIs("/Account/Login"));
        await Expect(phone.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Expect(phone.Locator("[data-testid=signed-in-as]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task DeleteAccountPageWarnsFirstAndLandsOnTheHomePageWithANotice()
    {
        var email = $"del-{Guid.NewGuid():N}"[..12] + "@example.com";
        await using var context = await fixture.NewContextAsync(new ViewportSize { Width = 390, Height = 844 });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Register");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByLabel("Confirm password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await SignInAsync(page, email);
        await page.GotoAsync("/Account/Sessions");

        await page.GetByRole(AriaRole.Link, new() { Name = "Delete account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Delete your account" })).ToBeVisibleAsync();
        await Expect(page.GetByText("This cannot be undone.")).ToBeVisibleAsync();
        await AssertNoHorizontalScrollAsync(page);
        await Screenshots.SaveAsync(page, "11-delete-account-phone");
        await page.GetByLabel("Current password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete my account" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(PathIs("/"));
        await Expect(page.Locator("[data-testid=account-deleted]")).ToContainTextAsync("Your account is deleted.");
        await Expect(page.Locator("[data-testid=signed-in-as]")).ToHaveCountAsync(0);
    }
}
