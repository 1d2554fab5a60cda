using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SessionAuth.Browser.Tests.Infrastructure;
using SessionAuth.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SessionAuth.Browser.Tests;

/// <summary>
/// A person who forgot their password, in Chromium: asks for a link, opens the one the app mailed (over real SMTP),
/// chooses a new password (peeking at it with the show-password button) and signs in with it; at desktop and phone width.
/// </summary>
[Collection(BrowserFixtureGroup.Name)]
public sealed partial class PasswordResetJourneyTests(BrowserFixture fixture)
{
    private const string Password = "correct horse battery staple";
    private const string NewPassword = "a brand new passphrase for this account";

    [Theory]
    [InlineData(1280, 800, "desktop")]
    [InlineData(390, 844, "phone")]
    public async Task PersonAsksForAResetLinkOpensItChoosesANewPasswordAndSignsInWithIt(int width, int height, string device)
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var app = new KestrelApplication(fixture.Redis.ConnectionString,
            smtp.Settings().ToDictionary(s => s.Key, s => s.Value ?? ""));
        app.Start();
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            IgnoreHTTPSErrors = true,
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        var page = await context.NewPageAsync();
        var email = $"rae-{Guid.NewGuid():N}"[..12] + "@example.com";
        await page.GotoAsync("/Account/Register");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByLabel("Confirm password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));

        await page.GetByRole(AriaRole.Link, new() { Name = "Forgot your password?" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Forgot your password?" })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, $"30-forgot-password-{device}");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send me a reset link" }).ClickAsync();
        await Expect(page.GetByTestId("forgot-sent")).ToContainTextAsync("Check your email.");
        await Screenshots.SaveAsync(page, $"31-forgot-password-sent-{device}");

        var mail = (await smtp.WaitForMessagesAsync(1, m => TestSmtpServer.SentTo(m, email) && m.Subject == "Reset your password"))[0];
        var link = new Uri(ResetLink().Match(mail.TextBody ?? "").Value);
        Assert.Equal(TestSmtpServer.PublicUrl, link.GetLeftPart(UriPartial.Authority));
        // The public address is the proxy in front of this app: the same path and query, here.
        await page.GotoAsync(link.PathAndQuery);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Choose a new password" })).ToBeVisibleAsync();
        var field = page.GetByLabel("New password", new() { Exact = true });
        await field.FillAsync(NewPassword);
        await page.GetByLabel("Confirm new password", new() { Exact = true }).FillAsync(NewPassword);
        // The show-password button, added by the page's script, shows the typed text and hides it again.
        var show = page.GetByRole(AriaRole.Button, new() { Name = "Show password" }).First;
        await show.ClickAsync();
        await Expect(field).ToHaveAttributeAsync("type", "text");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Hide password" }).First).ToHaveAttributeAsync("aria-pressed", "true");
        await Screenshots.SaveAsync(page, $"32-reset-password-{device}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Hide password" }).First.ClickAsync();
        await Expect(field).ToHaveAttributeAsync("type", "password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login\\?Notice=password-reset"));
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your password is changed");
        await Screenshots.SaveAsync(page, $"33-reset-done-{device}");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(NewPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/Dashboard$"));
        await Expect(page.GetByTestId("dashboard-email")).ToHaveTextAsync(email);
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        Assert.True(widths[0] <= widths[1], $"the dashboard scrolls sideways at {width} px");
        await Screenshots.SaveAsync(page, $"34-signed-in-after-reset-{device}");

        // The link worked once.
        await page.GotoAsync(link.PathAndQuery);
        await Expect(page.GetByTestId("link-dead")).ToBeVisibleAsync();
    }

    [GeneratedRegex("https://\\S+/Account/ResetPassword\\?\\S+")]
    private static partial Regex ResetLink();
}
