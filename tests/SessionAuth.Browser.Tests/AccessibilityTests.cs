using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SessionAuth.Browser.Tests.Infrastructure;
using SessionAuth.Web.Accounts;
using static Microsoft.Playwright.Assertions;

namespace SessionAuth.Browser.Tests;

/// <summary>
/// Every page, signed out and signed in, checked by axe-core in Chromium at desktop and phone width:
/// no serious or critical violation anywhere. A screenshot of each page is kept for a person to look at.
/// </summary>
[Collection(BrowserFixtureGroup.Name)]
public sealed class AccessibilityTests(BrowserFixture fixture)
{
    private const string Password = "correct horse battery staple";

    [Theory]
    [InlineData(1280, 800)]
    [InlineData(390, 844)]
    public async Task EveryPageHasNoSeriousOrCriticalAxeViolation(int width, int height)
    {
        Axe.EnsureInstalled();
        var email = $"axe-{Guid.NewGuid():N}"[..12] + "@example.com";
        await using var app = new KestrelApplication(fixture.Redis.ConnectionString, new Dictionary<string, string>
        {
            // Several sign-ins and token calls in a minute from one address.
            ["AccountEndpoints:PermitLimit"] = "1000",
            // This account is an operator: the console's pages are checked too.
            ["Admin:Emails:0"] = email,
        });
        app.Start();
        // axe is injected as a script tag, which the pages' Content-Security-Policy would refuse.
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            IgnoreHTTPSErrors = true,
            BypassCSP = true,
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        var page = await context.NewPageAsync();
        var findings = new List<string>();
        async Task CheckAsync(string name, IPage? on = null)
        {
            await Screenshots.SaveAsync(on ?? page, $"axe-{name}-{width}");
            findings.AddRange((await Axe.SeriousViolationsAsync(on ?? page)).Select(v => $"{name} at {width} px: {v}"));
        }

        // Signed out.
        await page.GotoAsync("/");
        await CheckAsync("home-anonymous");
        await page.GotoAsync("/Account/Register");
        await CheckAsync("register");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync("not-an-email");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page.GetByTestId("error-summary")).ToBeVisibleAsync();
        await CheckAsync("register-errors");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByLabel("Confirm password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
        await CheckAsync("login-registered");
        await page.GotoAsync("/Account/Login");
        await CheckAsync("login");
        // Three wrong passwords (under the lockout's five): the sessions page later shows them as one row.
        for (var i = 0; i < 3; i++)
        {
            await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
            await page.GetByLabel("Password", new() { Exact = true }).FillAsync("not the password at all");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
            await Expect(page.GetByTestId("error-summary")).ToBeVisibleAsync();
        }

        await CheckAsync("login-error");
        // The passkey form posted without the browser's answer (as without JavaScript): the page says what is missing.
        await page.GotoAsync("/Account/Login");
        await page.EvaluateAsync("() => document.querySelector('form[data-passkey-signin]').submit()");
        await Expect(page.GetByTestId("error-summary")).ToContainTextAsync("needs JavaScript");
        await CheckAsync("login-passkey-error");
        await page.GotoAsync("/TokenDemo");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Get a token" })).ToBeVisibleAsync();
        await CheckAsync("token-demo-anonymous");
        Assert.Equal(404, (await page.GotoAsync("/no-such-page"))!.Status);
        await CheckAsync("error-404");

        // Signed in.
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/Dashboard$"));
        await CheckAsync("dashboard");
        await page.GotoAsync("/");
        await CheckAsync("home-signed-in");
        await page.GotoAsync("/Account/Sessions");
        await Expect(page.GetByTestId("activity-count")).ToHaveTextAsync("Sign-in failed 3 times in a row");
        await CheckAsync("sessions");
        await page.GotoAsync("/Account/ChangePassword");
        await CheckAsync("change-password");
        await page.GotoAsync("/Account/Delete");
        await CheckAsync("delete-account");
        await page.GotoAsync("/Account/Passkeys");
        await CheckAsync("passkeys-empty");
        await page.EvaluateAsync("() => document.querySelector('form[data-passkey-add]').submit()");
        await Expect(page.GetByTestId("error-summary")).ToContainTextAsync("needs JavaScript");
        await CheckAsync("passkeys-error");
        await PutPasskeyAsync(app, email, "Work laptop");
        await PutPasskeyAsync(app, email, name: null);
        await page.GotoAsync("/Account/Passkeys");
        await Expect(page.GetByTestId("passkey-row")).ToHaveCountAsync(2);
        await CheckAsync("passkeys-list");
        await page.GotoAsync("/TokenDemo");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Get a token" }).ClickAsync();
        await Expect(page.GetByTestId("token-me")).ToContainTextAsync(email);
        await CheckAsync("token-demo-signed-in");
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(page.GetByTestId("token-revoked-note")).ToBeVisibleAsync();
        await CheckAsync("token-demo-revoked");
        Assert.Equal(404, (await page.GotoAsync("/no-such-page"))!.Status);
        await CheckAsync("error-404-signed-in");

        // The operators' console, with a second account signed in elsewhere (and refused the console: 403).
        await using var otherContext = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            IgnoreHTTPSErrors = true,
            BypassCSP = true,
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        var other = await otherContext.NewPageAsync();
        var otherEmail = $"axo-{Guid.NewGuid():N}"[..12] + "@example.com";
        await PageSteps.RegisterAsync(other, otherEmail);
        await PageSteps.SignInAsync(other, otherEmail);
        Assert.Equal(403, (await other.GotoAsync("/Admin/Users"))!.Status);
        await CheckAsync("admin-403", other);
        await page.GotoAsync("/Admin/Users");
        await Expect(page.Locator("[data-testid=user-row]")).ToHaveCountAsync(2);
        await CheckAsync("admin-users");
        await page.GetByLabel("Email contains").FillAsync("no-such-account");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.GetByTestId("admin-no-users")).ToBeVisibleAsync();
        await CheckAsync("admin-users-none");
        Assert.Equal(400, (await page.GotoAsync("/Admin/Users?p=0"))!.Status);
        await CheckAsync("admin-users-bad-page");
        await page.GotoAsync("/Admin/Users?q=" + Uri.EscapeDataString(otherEmail));
        await page.GetByRole(AriaRole.Link, new() { Name = otherEmail }).ClickAsync();
        await Expect(page.Locator("[data-testid=session-row]")).ToHaveCountAsync(1);
        await CheckAsync("admin-user");
        await page.GetByRole(AriaRole.Button, new() { Name = "Lock account", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("admin-confirmation")).ToBeVisibleAsync();
        await CheckAsync("admin-user-locked");
        await page.GotoAsync("/Admin/Users");
        await page.GetByRole(AriaRole.Link, new() { Name = email }).ClickAsync();
        await Expect(page.GetByTestId("admin-lock-self")).ToBeVisibleAsync();
        await CheckAsync("admin-user-self");

        Assert.True(findings.Count == 0,
            $"axe-core found {findings.Count} serious or critical violation(s):{Environment.NewLine}{string.Join(Environment.NewLine, findings)}");
    }

    /// <summary>A passkey put straight into the account (WebAuthn needs http://localhost; this app speaks https on 127.0.0.1).</summary>
    private static async Task PutPasskeyAsync(KestrelApplication app, string email, string? name)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var passkey = new UserPasskeyInfo(RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(77), DateTimeOffset.UtcNow, 0, ["internal"],
            isUserVerified: true, isBackupEligible: false, isBackedUp: false, attestationObject: [0xA0], clientDataJson: [0x7B, 0x7D]) { Name = name };
        Assert.True((await users.AddOrUpdatePasskeyAsync((await users.FindByEmailAsync(email))!, passkey)).Succeeded);
    }
}
