using Microsoft.Playwright;
using SessionAuth.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SessionAuth.Browser.Tests;

/// <summary>A form sent with mistakes comes back with the error summary focused, at desktop and phone width.</summary>
[Collection(BrowserFixtureGroup.Name)]
public sealed class FormErrorsTests(BrowserFixture fixture)
{
    [Theory]
    [InlineData(1280, 800, true, "08-register-errors-desktop")]
    [InlineData(390, 844, false, "09-register-errors-phone")]
    public async Task AfterAFailedRegistrationTheErrorSummaryHasFocusAndTheFieldsAreMarked(int width, int height, bool javaScript, string screenshot)
    {
        // Without JavaScript too: autofocus on the summary does it, no script involved.
        await using var context = await fixture.NewContextAsync(new ViewportSize { Width = width, Height = height }, javaScript);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Register");

        await page.GetByLabel("Email", new() { Exact = true }).FillAsync("not-an-email");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("short");
        await page.GetByLabel("Confirm password", new() { Exact = true }).FillAsync("short");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();

        var summary = page.GetByTestId("error-summary");
        await Expect(summary).ToBeFocusedAsync();
        await Expect(page).ToHaveTitleAsync("Error: Create an account · SessionAuth");
        await Expect(summary).ToContainTextAsync("Enter a valid email address.");
        await Expect(summary).ToContainTextAsync("Use at least 12 characters");
        await Expect(page.GetByLabel("Email", new() { Exact = true })).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.GetByLabel("Password", new() { Exact = true })).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.GetByLabel("Confirm password", new() { Exact = true })).Not.ToHaveAttributeAsync("aria-invalid", "true");
        await Screenshots.SaveAsync(page, screenshot);

        // The summary's links lead to the fields.
        await summary.GetByRole(AriaRole.Link, new() { Name = "Enter a valid email address." }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#Input_Email$"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TheSignInPageStartsWithFocusInTheEmailField(bool javaScript)
    {
        await using var context = await fixture.NewContextAsync(javaScriptEnabled: javaScript);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/Account/Login");

        await Expect(page.GetByLabel("Email", new() { Exact = true })).ToBeFocusedAsync();
        // Read through the DevTools protocol, so it works with the page's JavaScript off too.
        Assert.Equal("Input_Email", await page.EvaluateAsync<string>("() => document.activeElement.id"));
    }

    [Fact]
    public async Task AfterAFailedSignInTheErrorSummaryHasFocus()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");

        await page.GetByLabel("Email", new() { Exact = true }).FillAsync($"nobody-{Guid.NewGuid():N}@example.com");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("not the right password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

        await Expect(page.GetByTestId("error-summary")).ToBeFocusedAsync();
        Assert.Equal("error-summary", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        await Expect(page.GetByTestId("error-summary")).ToContainTextAsync("Invalid email or password.");
        await Expect(page).ToHaveTitleAsync("Error: Sign in · SessionAuth");
        await Screenshots.SaveAsync(page, "10-login-error");
    }
}
