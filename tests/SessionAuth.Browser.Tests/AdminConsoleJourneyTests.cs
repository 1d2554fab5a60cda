using Microsoft.Playwright;
using SessionAuth.Browser.Tests.Infrastructure;
using SessionAuth.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using static SessionAuth.Browser.Tests.Infrastructure.PageSteps;

namespace SessionAuth.Browser.Tests;

/// <summary>
/// An operator at a desktop finds a user, signs them out everywhere and locks the account; at a phone, unlocks it.
/// The user's browser is signed out at its next click and, signed in again, sees what an administrator did.
/// </summary>
[Collection(BrowserFixtureGroup.Name)]
public sealed class AdminConsoleJourneyTests(BrowserFixture fixture)
{
    [Fact]
    public async Task AnOperatorFindsAUserEndsTheirSessionsLocksAndUnlocksAndTheUserSeesItAll()
    {
        var operatorEmail = $"ops-{Guid.NewGuid():N}"[..12] + "@example.com";
        var userEmail = $"kim-{Guid.NewGuid():N}"[..12] + "@example.com";
        await using var app = new KestrelApplication(fixture.Redis.ConnectionString, new Dictionary<string, string>
        {
            ["Admin:Emails:0"] = operatorEmail,
        });
        app.Start();
        await using var userContext = await NewContextAsync(app, 1280, 800);
        var user = await userContext.NewPageAsync();
        await RegisterAsync(user, userEmail);
        await SignInAsync(user, userEmail);
        await using var desk = await NewContextAsync(app, 1280, 800);
        var console = await desk.NewPageAsync();
        await RegisterAsync(console, operatorEmail);
        // The operator confirms their address from the mail (the role needs a confirmed address).
        await ConfirmAddressAsync(console, app.MailPickupDirectory, operatorEmail);
        await SignInAsync(console, operatorEmail);

        // From the navigation bar to the list, then the search.
        await Navigation(console).GetByRole(AriaRole.Link, new() { Name = "Users", Exact = true }).ClickAsync();
        await Expect(console).ToHaveURLAsync(PathIs("/Admin/Users"));
        await Expect(console.Locator("[data-testid=user-row]")).ToHaveCountAsync(2);
        await Screenshots.SaveAsync(console, "20-admin-users-desktop");
        await console.GetByLabel("Email contains").FillAsync(userEmail[..7].ToUpperInvariant());
        await console.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var rows = console.Locator("[data-testid=user-row]");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First.Locator("[data-testid=user-live]")).ToHaveTextAsync("1");

        // The user's page: one session, then signed out everywhere.
        await rows.First.GetByRole(AriaRole.Link, new() { Name = userEmail }).ClickAsync();
        await Expect(console.GetByRole(AriaRole.Heading, new() { Name = userEmail })).ToBeVisibleAsync();
        await Expect(console.Locator("[data-testid=session-row]")).ToHaveCountAsync(1);
        await Screenshots.SaveAsync(console, "21-admin-user-desktop");
        await console.GetByRole(AriaRole.Button, new() { Name = "Sign out everywhere" }).ClickAsync();
        await Expect(console.GetByRole(AriaRole.Status)).ToHaveTextAsync("Signed out everywhere: 1 session or API client ended.");
        await Expect(console.Locator("[data-testid=session-row]")).ToHaveCountAsync(0);
        await Screenshots.SaveAsync(console, "22-admin-user-ended-desktop");

        // The user's very next click lands on the sign-in page.
        await Navigation(user).GetByRole(AriaRole.Link, new() { Name = "Dashboard", Exact = true }).ClickAsync();
        await Expect(user).ToHaveURLAsync(PathIs("/Account/Login"));

        await console.GetByRole(AriaRole.Button, new() { Name = "Lock account", Exact = true }).ClickAsync();
        await Expect(console.GetByRole(AriaRole.Status)).ToContainTextAsync("Locked");
        await Expect(console.GetByTestId("user-lock")).ToHaveTextAsync("Locked by an administrator");
        await Screenshots.SaveAsync(console, "23-admin-user-locked-desktop");
        await user.GetByLabel("Email", new() { Exact = true }).FillAsync(userEmail);
        await user.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await user.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(user.GetByTestId("error-summary")).ToBeVisibleAsync();

        // At phone width the operator unlocks: nothing wider than the screen.
        await using var phone = await NewContextAsync(app, 390, 844);
        var pocket = await phone.NewPageAsync();
        await SignInAsync(pocket, operatorEmail);
        await pocket.GotoAsync(new Uri(console.Url).PathAndQuery.Split('?')[0]);
        await Expect(pocket.GetByTestId("user-lock")).ToHaveTextAsync("Locked by an administrator");
        await AssertNoHorizontalScrollAsync(pocket);
        await Screenshots.SaveAsync(pocket, "24-admin-user-phone");
        await pocket.GetByRole(AriaRole.Button, new() { Name = "Unlock account" }).ClickAsync();
        await Expect(pocket.GetByRole(AriaRole.Status)).ToHaveTextAsync("Unlocked: the account can sign in again.");
        await pocket.GotoAsync("/Admin/Users");
        await AssertNoHorizontalScrollAsync(pocket);
        await Screenshots.SaveAsync(pocket, "25-admin-users-phone");

        // Signed in again, the user reads what an administrator did.
        await SignInAsync(user, userEmail);
        await user.GotoAsync("/Account/Sessions");
        await Expect(user.Locator("[data-kind=UnlockedByAdministrator]")).ToContainTextAsync("Unlocked by an administrator");
        await Expect(user.Locator("[data-kind=LockedByAdministrator]")).ToContainTextAsync("Locked by an administrator");
        await Expect(user.Locator("[data-kind=SignedOutEverywhereByAdministrator]")).ToContainTextAsync("Signed out everywhere by an administrator");
        await Screenshots.SaveAsync(user, "26-sessions-after-admin-actions");
    }

    private Task<IBrowserContext> NewContextAsync(KestrelApplication app, int width, int height) =>
        fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            IgnoreHTTPSErrors = true,
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
}
