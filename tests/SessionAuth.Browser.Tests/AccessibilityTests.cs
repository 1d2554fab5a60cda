using System.Security.Cryptography;
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
        // The mail flows' pages are reached from mailed links: a real SMTP server gives them.
        await using var smtp = await TestSmtpServer.StartAsync();
        var settings = smtp.Settings().ToDictionary(s => s.Key, s => s.Value ?? "");
        // Several sign-ins and token calls in a minute from one address.
        settings["AccountEndpoints:PermitLimit"] = "1000";
        // This account is an operator: the console's pages are checked too.
        settings["Admin:Emails:0"] = email;
        await using var app = new KestrelApplication(fixture.Redis.ConnectionString, settings);
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
        await page.GotoAsync("/Account/ForgotPassword");
        await CheckAsync("forgot-password");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send me a reset link" }).ClickAsync();
        await Expect(page.GetByTestId("forgot-sent")).ToBeVisibleAsync();
        await CheckAsync("forgot-password-sent");
        await page.GotoAsync(PathOf(await MailedLinkAsync(smtp, email, "Reset your password", "/Account/ResetPassword")));
        await CheckAsync("reset-password");
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("aaaaaaaaaaaa");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(page.GetByTestId("error-summary")).ToBeVisibleAsync();
        await CheckAsync("reset-password-errors");
        await page.GotoAsync("/Account/ResetPassword?userId=x&code=x");
        await Expect(page.GetByTestId("link-dead")).ToBeVisibleAsync();
        await CheckAsync("link-dead");
        await page.GotoAsync("/Account/ResendConfirmation");
        await CheckAsync("resend-confirmation");
        await page.GotoAsync(PathOf(await MailedLinkAsync(smtp, email, "Confirm your email address", "/Account/ConfirmEmail")));
        await CheckAsync("confirm-email");
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
        await Expect(page.GetByTestId("email-unconfirmed")).ToBeVisibleAsync();
        await CheckAsync("dashboard-unconfirmed");
        await page.GotoAsync(PathOf(await MailedLinkAsync(smtp, email, "Confirm your email address", "/Account/ConfirmEmail")));
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm my address" }).ClickAsync();
        await Expect(page.GetByTestId("email-confirmed")).ToBeVisibleAsync();
        await CheckAsync("confirm-email-done");
        await page.GotoAsync("/Dashboard");
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
        await page.GotoAsync("/Account/Preferences");
        await CheckAsync("preferences-light");
        await page.GetByLabel("Dark", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save theme" }).ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-bs-theme", "dark");
        await CheckAsync("preferences-dark");
        // A zone the list does not hold (as a forged form would post): the field error, in the dark theme.
        await page.EvaluateAsync("() => { const option = document.querySelector('#Input_TimeZone option'); option.value = 'Mars/Olympus_Mons'; option.selected = true; }");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save time zone" }).ClickAsync();
        await Expect(page.GetByTestId("error-summary")).ToBeVisibleAsync();
        await CheckAsync("preferences-error-dark");
        // Every signed-in page in the dark theme too: Bootstrap's colour mode must keep the contrast.
        await page.GotoAsync("/Dashboard");
        await CheckAsync("dashboard-dark");
        await page.GotoAsync("/Account/Sessions");
        await CheckAsync("sessions-dark");
        await page.GotoAsync("/Account/ChangePassword");
        await CheckAsync("change-password-dark");
        await page.GotoAsync("/Account/Delete");
        await CheckAsync("delete-account-dark");
        await page.GotoAsync("/");
        await CheckAsync("home-signed-in-dark");
        await page.GotoAsync("/Account/ChangeEmail");
        await CheckAsync("change-email");
        var newEmail = "n" + email;
        await page.GetByLabel("New email address", new() { Exact = true }).FillAsync(newEmail);
        await page.GetByLabel("Current password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send the link" }).ClickAsync();
        await Expect(page.GetByTestId("change-email-sent")).ToBeVisibleAsync();
        await CheckAsync("change-email-sent");
        await page.GotoAsync(PathOf(await MailedLinkAsync(smtp, newEmail, "Confirm your new email address", "/Account/ConfirmEmailChange")));
        await CheckAsync("confirm-email-change");
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

        // Two-factor sign-in, after the token demo (whose password-only token it would then refuse): status, setup with
        // key and QR, a wrong code, the recovery codes, the password forms, then the second step pages.
        await page.GotoAsync("/Account/TwoFactor");
        await CheckAsync("two-factor-off");
        await page.GotoAsync("/Account/EnableAuthenticator");
        await Expect(page.GetByTestId("authenticator-qr")).ToBeVisibleAsync();
        await CheckAsync("enable-authenticator");
        var key = await page.GetByTestId("authenticator-key").InnerTextAsync();
        await page.GetByLabel("Code from the app", new() { Exact = true }).FillAsync(Totp.Wrong(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-factor sign-in" }).ClickAsync();
        await Expect(page.GetByTestId("error-summary")).ToBeVisibleAsync();
        await CheckAsync("enable-authenticator-error");
        await page.GetByLabel("Code from the app", new() { Exact = true }).FillAsync(Totp.Now(key, -1));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-factor sign-in" }).ClickAsync();
        await Expect(page.GetByTestId("recovery-code")).ToHaveCountAsync(10);
        await CheckAsync("recovery-codes");
        var recoveryCode = await page.GetByTestId("recovery-code").First.InnerTextAsync();
        await page.GotoAsync("/Account/TwoFactor");
        await CheckAsync("two-factor-on");
        await page.GotoAsync("/Account/GenerateRecoveryCodes");
        await CheckAsync("generate-recovery-codes");
        await page.GotoAsync("/Account/DisableTwoFactor");
        await CheckAsync("disable-two-factor");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/Account/LoginWith2fa"));
        await CheckAsync("login-with-2fa");
        await page.GetByLabel("Authenticator code", new() { Exact = true }).FillAsync(Totp.Wrong(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByTestId("error-summary")).ToBeVisibleAsync();
        await CheckAsync("login-with-2fa-error");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with a recovery code" }).ClickAsync();
        await CheckAsync("login-with-recovery-code");
        await page.GetByLabel("Recovery code", new() { Exact = true }).FillAsync(recoveryCode);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/Dashboard$"));
        await page.GotoAsync("/Account/Sessions");
        await CheckAsync("sessions-recovery-code");

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
    /// <summary>The newest link with <paramref name="path"/> mailed to <paramref name="to"/> under <paramref name="subject"/>.</summary>
    private static async Task<Uri> MailedLinkAsync(TestSmtpServer smtp, string to, string subject, string path)
    {
        var mail = (await smtp.WaitForMessagesAsync(1, m => TestSmtpServer.SentTo(m, to) && m.Subject == subject))[^1];
        return new Uri(Regex.Matches(mail.TextBody ?? "", "https://\\S+").Select(m => m.Value).Single(url => new Uri(url).AbsolutePath == path));
    }

    // The mail's links name the public address (App:PublicUrl); this app serves the same paths.
    private static string PathOf(Uri link) => link.PathAndQuery;
}
