using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SessionAuth.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SessionAuth.Browser.Tests.Infrastructure;

/// <summary>What a person does on the account pages, and what the journeys check on every page, in one place.</summary>
internal static class PageSteps
{
    public const string Password = "correct horse battery staple";

    public static async Task RegisterAsync(IPage page, string email)
    {
        await page.GotoAsync("/Account/Register");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByLabel("Confirm password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(PathIs("/Account/Login", "https?"));
    }

    public static async Task SignInAsync(IPage page, string email, string scheme = "https")
    {
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(PathIs("/Dashboard", scheme));
    }

    /// <summary>Opens the confirmation link the app wrote to <paramref name="pickupDirectory"/> for <paramref name="email"/>, and confirms.</summary>
    public static async Task ConfirmAddressAsync(IPage page, string pickupDirectory, string email)
    {
        var mail = (await MailPickup.WaitForMessagesAsync(pickupDirectory, 1,
            m => TestSmtpServer.SentTo(m, email) && m.Subject == "Confirm your email address"))[^1];
        var link = Regex.Matches(mail.TextBody ?? "", "https?://\\S+").Select(m => new Uri(m.Value)).Single(url => url.AbsolutePath == "/Account/ConfirmEmail");
        // The mail names the public address (App:PublicUrl); this app serves the same paths.
        await page.GotoAsync(link.PathAndQuery);
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm my address" }).ClickAsync();
        await Expect(page.GetByTestId("email-confirmed")).ToBeVisibleAsync();
    }

    public static async Task AssertNoHorizontalScrollAsync(IPage page)
    {
        var widths = await page.EvaluateAsync<int[]>(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        Assert.True(widths[0] <= widths[1],
            $"{new Uri(page.Url).AbsolutePath} scrolls sideways: scrollWidth {widths[0]} > clientWidth {widths[1]}.");
    }

    public static ILocator Navigation(IPage page) => page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });

    /// <summary>The page's address has this path; <paramref name="scheme"/> is a pattern ("https", "http", "https?").</summary>
    public static Regex PathIs(string path, string scheme = "https") => new($"^{scheme}://[^/]+{Regex.Escape(path)}(\\?.*)?$");
}
