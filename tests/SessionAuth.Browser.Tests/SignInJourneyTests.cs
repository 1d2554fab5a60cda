using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SessionAuth.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using static SessionAuth.Browser.Tests.Infrastructure.PageSteps;

namespace SessionAuth.Browser.Tests;

/// <summary>What a person does in a real browser, against the app on Kestrel with Redis and SQLite behind it.</summary>
[Collection(BrowserFixtureGroup.Name)]
public sealed class SignInJourneyTests(BrowserFixture fixture)
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task PersonRegistersSignsInSeesDashboardAndSignsOut()
    {
        var email = $"ana-{Guid.NewGuid():N}"[..12] + "@example.com";
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Server-side sessions for ASP.NET Core" })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "01-home");

        await Navigation(page).GetByRole(AriaRole.Link, new() { Name = "Register", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(PathIs("/Account/Register"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Create an account" })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "02-register");

        await SubmitRegisterFormAsync(page, email);

        await Expect(page).ToHaveURLAsync(PathIs("/Account/Login"));
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync(SessionAuth.Web.Pages.Account.LoginModel.RegisteredText);
        await Screenshots.SaveAsync(page, "03-login");

        // No return URL was asked for, so sign-in lands on the person's own dashboard.
        await SignInAndExpectDashboardAsync(page, email);
        await Expect(page.Locator("[data-testid=signed-in-as]")).ToContainTextAsync(email);
        await Screenshots.SaveAsync(page, "04-dashboard");

        await Navigation(page).GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(PathIs("/Account/Login"));
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("You are signed out");
        await Expect(page.Locator("[data-testid=signed-in-as]")).ToHaveCountAsync(0);
        await Screenshots.SaveAsync(page, "05-signed-out");

        await page.GotoAsync("/Dashboard");

        await Expect(page).ToHaveURLAsync(PathIs("/Account/Login"));
        Assert.Equal("/Dashboard", QueryValue(page.Url, "ReturnUrl"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task OnAPhoneWithoutJavaScriptLoginAndDashboardFitTheScreenAndSignInWorks()
    {
        // A long address must wrap, not push the page sideways.
        var email = $"bartholomew.featherstonehaugh-{Guid.NewGuid():N}@example.com";
        await RegisterAsync(email);
        await using var context = await fixture.NewContextAsync(new ViewportSize { Width = 390, Height = 844 }, javaScriptEnabled: false);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/Dashboard");
        await Expect(page).ToHaveURLAsync(PathIs("/Account/Login"));
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Sign in to continue to that page.");
        await AssertNoHorizontalScrollAsync(page);
        await Screenshots.SaveAsync(page, "06-phone-login");

        await SignInAndExpectDashboardAsync(page, email);
        await AssertNoHorizontalScrollAsync(page);
        await Screenshots.SaveAsync(page, "07-phone-dashboard");
    }

    private async Task RegisterAsync(string email)
    {
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Register");
        await SubmitRegisterFormAsync(page, email);
        await Expect(page).ToHaveURLAsync(PathIs("/Account/Login"));
    }

    private static async Task SubmitRegisterFormAsync(IPage page, string email)
    {
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByLabel("Confirm password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
    }

    private static async Task SignInAndExpectDashboardAsync(IPage page, string email)
    {
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

        await Expect(page).ToHaveURLAsync(PathIs("/Dashboard"));
        await Expect(page.Locator("[data-testid=dashboard-email]")).ToHaveTextAsync(email);
        await Expect(page.Locator("[data-testid=signed-in-as]")).ToContainTextAsync("Signed in as");
    }

    private static string? QueryValue(string url, string name) =>
        System.Web.HttpUtility.ParseQueryString(new Uri(url).Query)[name];
}
