using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SessionAuth.Browser.Tests.Infrastructure;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SessionAuth.Browser.Tests;

/// <summary>
/// Passkeys in real Chromium with a virtual authenticator (DevTools WebAuthn domain), on http://localhost (a
/// secure context with a domain for the relying party) with the Development-style cookie settings.
/// </summary>
[Collection(BrowserFixtureGroup.Name)]
public sealed class PasskeyJourneyTests(BrowserFixture fixture)
{
    private KestrelApplication StartApp()
    {
        var app = new KestrelApplication(fixture.Redis.ConnectionString, new Dictionary<string, string>
        {
            ["AccountEndpoints:PermitLimit"] = "1000",
        }, plainHttp: true);
        app.Start();
        return app;
    }

    [Fact]
    public async Task APasskeyAddedOnOneDeviceSignsInOnAnotherWithoutAPasswordUntilItIsRemoved()
    {
        await using var app = StartApp();
        var email = $"pk-{Guid.NewGuid():N}"[..12] + "@example.com";
        await using var first = await NewContextAsync(app);
        var page = await first.NewPageAsync();
        var authenticator = await VirtualAuthenticator.AttachAsync(page);
        await PageSteps.RegisterAsync(page, email);
        await PageSteps.SignInAsync(page, email, "http");

        // Add a passkey, named.
        await page.GotoAsync("/Account/Passkeys");
        await Expect(page.GetByTestId("passkeys-empty")).ToBeVisibleAsync();
        await page.GetByLabel("Name (optional)").FillAsync("Test laptop");
        await page.GetByTestId("passkey-add").ClickAsync();
        await Expect(page.GetByTestId("passkeys-notice")).ToContainTextAsync("Passkey added");
        var row = page.GetByTestId("passkey-row");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.GetByTestId("passkey-name")).ToHaveTextAsync("Test laptop");
        await Expect(row.GetByTestId("passkey-last-used")).ToHaveTextAsync("Never used to sign in");
        await ScreenshotsAtBothWidthsAsync(page, "passkeys-one");
        // The owner hears of it at once: a passkey added from a stolen session would outlive a password reset.
        var notice = Assert.Single(await MailPickup.WaitForMessagesAsync(app.MailPickupDirectory, 1, m => m.Subject == "A passkey was added"));
        Assert.Equal(email, notice.To.Mailboxes.Single().Address);
        Assert.Contains("“Test laptop”", notice.TextBody, StringComparison.Ordinal);
        var carried = Assert.Single(await authenticator.CredentialsAsync());
        Assert.Equal("localhost", carried.GetProperty("rpId").GetString());

        // A fresh browser holding only the carried passkey signs in with no password.
        await using (var second = await NewContextAsync(app))
        {
            var device = await second.NewPageAsync();
            var other = await VirtualAuthenticator.AttachAsync(device);
            await other.AddAsync(carried);
            await device.GotoAsync("/Account/Login");
            await ScreenshotsAtBothWidthsAsync(device, "passkey-login");
            // The passkey button's name must not contain "Sign in": a script that clicks the password form's
            // button by that name (Playwright matches a substring) would otherwise find two.
            await Expect(device.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToHaveCountAsync(1);
            await device.GetByTestId("passkey-signin").ClickAsync();
            await Expect(device).ToHaveURLAsync(PathIs("/Dashboard"));
            await Expect(device.GetByTestId("signed-in-as")).ToContainTextAsync(email);
            await device.GotoAsync("/Account/Sessions");
            await Expect(device.Locator("[data-testid=activity-row][data-kind=SignedInWithPasskey]")).ToHaveCountAsync(1);
        }

        await page.ReloadAsync();
        await Expect(row.GetByTestId("passkey-last-used")).ToContainTextAsync("Last used");

        // Rename, then remove: this session lives on, the passkey signs in no more.
        await row.GetByLabel("New name for “Test laptop”").FillAsync("Old laptop");
        await row.GetByTestId("passkey-rename").ClickAsync();
        await Expect(page.GetByTestId("passkeys-notice")).ToContainTextAsync("renamed");
        await Expect(row.GetByTestId("passkey-name")).ToHaveTextAsync("Old laptop");
        await row.GetByTestId("passkey-delete").ClickAsync();
        await Expect(page.GetByTestId("passkeys-notice")).ToContainTextAsync("removed");
        await Expect(page.GetByTestId("passkey-row")).ToHaveCountAsync(0);
        await ScreenshotsAtBothWidthsAsync(page, "passkeys-removed");
        await page.GotoAsync("/Dashboard");
        await Expect(page).ToHaveURLAsync(PathIs("/Dashboard"));

        await using var third = await NewContextAsync(app);
        var late = await third.NewPageAsync();
        var lateAuthenticator = await VirtualAuthenticator.AttachAsync(late);
        await lateAuthenticator.AddAsync(carried);
        await late.GotoAsync("/Account/Login");
        await late.GetByTestId("passkey-signin").ClickAsync();
        await Expect(late.GetByTestId("error-summary")).ToContainTextAsync("not recognised");
        await Expect(late).ToHaveURLAsync(PathIs("/Account/Login"));
        Assert.Equal(302, (await late.APIRequest.GetAsync("/Dashboard", new() { MaxRedirects = 0 })).Status);
    }

    [Fact]
    public async Task APasskeyThisSiteNeverRegisteredIsRefused()
    {
        await using var app = StartApp();
        var email = $"pu-{Guid.NewGuid():N}"[..12] + "@example.com";
        await using var context = await NewContextAsync(app);
        var page = await context.NewPageAsync();
        await PageSteps.RegisterAsync(page, email);
        string userId;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            userId = (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email))!.Id;
        }

        var authenticator = await VirtualAuthenticator.AttachAsync(page);
        await authenticator.AddUnknownAsync("localhost", userId);

        await page.GotoAsync("/Account/Login");
        await page.GetByTestId("passkey-signin").ClickAsync();

        await Expect(page.GetByTestId("error-summary")).ToContainTextAsync("not recognised");
        await ScreenshotsAtBothWidthsAsync(page, "passkey-login-refused");
        Assert.Equal(302, (await page.APIRequest.GetAsync("/Dashboard", new() { MaxRedirects = 0 })).Status);
    }

    private Task<IBrowserContext> NewContextAsync(KestrelApplication app) =>
        fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });

    private static async Task ScreenshotsAtBothWidthsAsync(IPage page, string name)
    {
        await Screenshots.SaveAsync(page, $"{name}-1280");
        await page.SetViewportSizeAsync(390, 844);
        await PageSteps.AssertNoHorizontalScrollAsync(page);
        await Screenshots.SaveAsync(page, $"{name}-390");
        await page.SetViewportSizeAsync(1280, 800);
    }

    private static Regex PathIs(string path) => PageSteps.PathIs(path, "http");
}
