using Microsoft.Playwright;
using SessionAuth.Browser.Tests.Infrastructure;
using SessionAuth.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SessionAuth.Browser.Tests;

/// <summary>
/// A person turns on two-factor sign-in with the key the page shows (typed into an "app": the tests' RFC 6238
/// authenticator), signs out, and signs in again with the password and then a code.
/// </summary>
[Collection(BrowserFixtureGroup.Name)]
public sealed class TwoFactorJourneyTests(BrowserFixture fixture)
{
    [Theory]
    [InlineData(1280, 800)]
    [InlineData(390, 844)]
    public async Task ThePersonTurnsOnTheAuthenticatorSignsOutAndSignsInWithPasswordAndCode(int width, int height)
    {
        var email = $"tfa-{Guid.NewGuid():N}"[..12] + "@example.com";
        await using var context = await fixture.NewContextAsync(new ViewportSize { Width = width, Height = height });
        var page = await context.NewPageAsync();
        await PageSteps.RegisterAsync(page, email);
        await PageSteps.SignInAsync(page, email);

        await page.GetByRole(AriaRole.Link, new() { Name = "Two-factor sign-in" }).ClickAsync();
        await Expect(page.GetByTestId("two-factor-status")).ToContainTextAsync("Off");
        await page.GetByRole(AriaRole.Link, new() { Name = "Set up an authenticator app" }).ClickAsync();
        await Expect(page.GetByTestId("authenticator-qr").Locator("svg")).ToBeVisibleAsync();
        await PageSteps.AssertNoHorizontalScrollAsync(page);
        await Screenshots.SaveAsync(page, $"30-enable-authenticator-{width}");
        var key = await page.GetByTestId("authenticator-key").InnerTextAsync();
        await page.GetByLabel("Code from the app", new() { Exact = true }).FillAsync(Totp.Now(key, -1));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-factor sign-in" }).ClickAsync();
        await Expect(page.GetByTestId("recovery-code")).ToHaveCountAsync(10);
        await PageSteps.AssertNoHorizontalScrollAsync(page);
        await Screenshots.SaveAsync(page, $"31-recovery-codes-{width}");
        await page.GetByRole(AriaRole.Link, new() { Name = "I have saved them" }).ClickAsync();
        await Expect(page.GetByTestId("two-factor-status")).ToContainTextAsync("On");
        await Screenshots.SaveAsync(page, $"32-two-factor-on-{width}");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(PageSteps.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(PageSteps.PathIs("/Account/LoginWith2fa"));
        await Expect(page.GetByTestId("signed-in-as")).ToHaveCountAsync(0);
        await PageSteps.AssertNoHorizontalScrollAsync(page);
        await Screenshots.SaveAsync(page, $"33-login-with-2fa-{width}");
        await page.GetByLabel("Authenticator code", new() { Exact = true }).FillAsync(Totp.Now(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(PageSteps.PathIs("/Dashboard"));
        await Expect(page.GetByTestId("signed-in-as")).ToContainTextAsync(email);
        await page.GotoAsync("/Account/Sessions");
        await Expect(page.GetByTestId("session-row").First).ToContainTextAsync("Password + authenticator app");
        await Screenshots.SaveAsync(page, $"34-sessions-two-factor-{width}");
    }
}
