using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SessionAuth.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using static SessionAuth.Browser.Tests.Infrastructure.PageSteps;

namespace SessionAuth.Browser.Tests;

/// <summary>/TokenDemo in Chromium: the token flow driven by the page's own script against the real API.</summary>
[Collection(BrowserFixtureGroup.Name)]
public sealed class TokenDemoTests(BrowserFixture fixture)
{
    private const string Password = "correct horse battery staple";

    [Theory]
    [InlineData(1280, 800, "desktop")]
    [InlineData(390, 844, "phone")]
    public async Task PersonGetsATokenSeesApiMeSeesItRefreshedRevokesItAndTheNextCallFails(int width, int height, string device)
    {
        var email = $"tia-{Guid.NewGuid():N}"[..12] + "@example.com";
        await using var app = StartApp();
        await using var context = await NewContextAsync(app, new ViewportSize { Width = width, Height = height });
        var page = await context.NewPageAsync();
        var tokens = WatchIssuedTokens(page);
        await RegisterAsync(page, email);

        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Token demo" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/TokenDemo$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Token demo", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("token-why")).ToContainTextAsync("localStorage");
        await Screenshots.SaveAsync(page, $"20-token-demo-{device}");

        // A wrong password is refused, in words, in the alert region.
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("not the password at all");
        await page.GetByRole(AriaRole.Button, new() { Name = "Get a token" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Sign-in failed (HTTP 401): Invalid email or password.");

        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Get a token" }).ClickAsync();

        var me = page.GetByTestId("token-me");
        await Expect(me).ToContainTextAsync(email);
        await Expect(page.GetByTestId("token-status")).ToContainTextAsync("Signed in through the API");
        await Expect(page.GetByTestId("token-expires")).ToContainTextAsync("UTC");
        await Expect(page.GetByTestId("token-error")).ToBeHiddenAsync();
        await Screenshots.SaveAsync(page, $"21-token-signed-in-{device}");

        // The 2-second access token expires and the page refreshes it by itself.
        await Expect(page.GetByTestId("token-refreshes")).Not.ToHaveTextAsync("0", new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("token-status")).ToContainTextAsync("Access token refreshed");
        var calls = page.GetByTestId("token-calls").Locator("li");
        var callsBefore = int.Parse(await calls.Last.GetAttributeAsync("data-seq") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        await page.GetByRole(AriaRole.Button, new() { Name = "Call /api/me" }).ClickAsync();
        await Expect(me).ToContainTextAsync(email);
        await Expect(page.GetByTestId("token-error")).ToBeHiddenAsync();
        // The call shows: a new line in the calls list with its time and status (timed refreshes may come between).
        var line = await page.WaitForFunctionAsync(
            "n => [...document.querySelectorAll('[data-testid=token-calls] li')].find(li => +li.dataset.seq > n && li.textContent.endsWith('GET /api/me → HTTP 200'))",
            callsBefore);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC GET /api/me → HTTP 200$", await line.AsElement()!.TextContentAsync());
        await Screenshots.SaveAsync(page, $"22-token-refreshed-{device}");
        Assert.True(tokens.Count >= 2, $"Expected the sign-in and at least one refresh to issue tokens; saw {tokens.Count}.");

        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(page.GetByTestId("token-status")).ToContainTextAsync("Revoked");
        // This app checks revocation, and the page says what that means for the access token.
        await Expect(page.GetByTestId("token-revoked-note")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("token-revoked-note")).ToContainTextAsync("The access token stops working now.");
        await Expect(page.GetByTestId("token-revoked-note")).ToContainTextAsync("Tokens:CheckRevocation is on");
        var last = tokens[^1];
        await page.GetByRole(AriaRole.Button, new() { Name = "Call /api/me" }).ClickAsync();

        await Expect(page.GetByTestId("token-error")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("token-error")).ToContainTextAsync("revoked");
        await Expect(page.GetByTestId("token-error")).ToContainTextAsync("401");
        await Expect(me).ToBeHiddenAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Get a token" })).ToBeVisibleAsync();
        // The pressed button hid with its section: focus is on the heading of the section now shown.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "1. Get a token" })).ToBeFocusedAsync();
        await Expect(calls.Last).ToContainTextAsync("GET /api/me → HTTP 401");
        await AssertNoHorizontalScrollAsync(page);
        await Screenshots.SaveAsync(page, $"23-token-revoked-{device}");

        // What the page saw fail, seen from outside: the grant's newest tokens are refused.
        Assert.Equal(401, (await page.APIRequest.GetAsync("/api/me", new() { Headers = Bearer(last.Access) })).Status);
        Assert.Equal(401, (await page.APIRequest.PostAsync("/api/auth/refresh", new() { DataObject = new { refresh_token = last.Refresh } })).Status);

        // In memory only: nothing the page could have stored holds any token it was given.
        var stored = await page.EvaluateAsync<string[]>(
            "() => [localStorage.length, sessionStorage.length].map(String).concat(" +
            "Object.values(localStorage), Object.values(sessionStorage), [document.cookie])");
        Assert.Equal("0", stored[0]);
        Assert.Equal("0", stored[1]);
        var cookies = (await context.CookiesAsync()).Select(c => c.Value).ToList();
        foreach (var (access, refresh) in tokens)
        {
            Assert.DoesNotContain(stored, s => s.Contains(access, StringComparison.Ordinal) || s.Contains(refresh, StringComparison.Ordinal));
            Assert.DoesNotContain(cookies, c => c.Contains(access, StringComparison.Ordinal) || c.Contains(refresh, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task WithoutRevocationChecksThePageSaysTheRevokedAccessTokenWorksUntilItExpiresAndItDoes()
    {
        var email = $"tib-{Guid.NewGuid():N}"[..12] + "@example.com";
        await using var app = StartApp(checkRevocation: false, accessTokenLifetime: "00:05:00");
        await using var context = await NewContextAsync(app, new ViewportSize { Width = 1280, Height = 800 });
        var page = await context.NewPageAsync();
        await RegisterAsync(page, email);
        await page.GotoAsync("/TokenDemo");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Get a token" }).ClickAsync();
        await Expect(page.GetByTestId("token-me")).ToContainTextAsync(email);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "2. Call the API" })).ToBeFocusedAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(page.GetByTestId("token-revoked-note")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Call /api/me" }).ClickAsync();

        await Expect(page.GetByTestId("token-revoked-note")).ToContainTextAsync("The access token still works until it expires.");
        await Expect(page.GetByTestId("token-revoked-note")).ToContainTextAsync("Tokens:CheckRevocation is off");
        await Expect(page.GetByTestId("token-status")).ToContainTextAsync("still works until it expires");
        var calls = page.GetByTestId("token-calls").Locator("li");
        await Expect(calls).ToHaveCountAsync(4);
        await Expect(calls.Nth(0)).ToContainTextAsync("POST /api/auth/token → HTTP 200");
        await Expect(calls.Nth(2)).ToContainTextAsync("POST /api/auth/revoke → HTTP 204");
        await Expect(calls.Nth(3)).ToContainTextAsync("GET /api/me → HTTP 200");
        await Expect(page.GetByTestId("token-me")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "25-token-revoked-no-revocation-check");
    }

    [Fact]
    public async Task WithoutJavaScriptThePageSaysTheDemoNeedsItAndOffersNoForm()
    {
        await using var app = StartApp();
        await using var context = await NewContextAsync(app, new ViewportSize { Width = 390, Height = 844 }, javaScriptEnabled: false);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/TokenDemo");

        await Expect(page.GetByTestId("token-noscript")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("token-noscript")).ToContainTextAsync("This demo needs JavaScript");
        await Expect(page.GetByLabel("Password", new() { Exact = true })).ToBeHiddenAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Get a token" })).ToBeHiddenAsync();
        await AssertNoHorizontalScrollAsync(page);
        await Screenshots.SaveAsync(page, "24-token-demo-no-javascript");
    }

    /// <summary>
    /// An app of this test's own: by default 2-second access tokens, so a refresh happens while the test
    /// watches, and revocation checked on every API call, so a revoked grant's access token fails at once.
    /// </summary>
    private KestrelApplication StartApp(bool checkRevocation = true, string accessTokenLifetime = "00:00:02")
    {
        var app = new KestrelApplication(fixture.Redis.ConnectionString, new Dictionary<string, string>
        {
            ["Tokens:AccessTokenLifetime"] = accessTokenLifetime,
            ["Tokens:CheckRevocation"] = checkRevocation ? "true" : "false",
            ["Tokens:Algorithm"] = "HS256",
            ["Tokens:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            // Every refresh of a 2-second token is a request to the token endpoints.
            ["AccountEndpoints:PermitLimit"] = "1000",
        });
        app.Start();
        return app;
    }

    private Task<IBrowserContext> NewContextAsync(KestrelApplication app, ViewportSize viewport, bool javaScriptEnabled = true) =>
        fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            IgnoreHTTPSErrors = true,
            JavaScriptEnabled = javaScriptEnabled,
            ViewportSize = viewport,
        });

    /// <summary>Every token pair the API hands the page (sign-in and refreshes), read off the wire.</summary>
    private static List<(string Access, string Refresh)> WatchIssuedTokens(IPage page)
    {
        var tokens = new List<(string, string)>();
        page.Response += async (_, response) =>
        {
            if (response.Status != 200 || !Regex.IsMatch(new Uri(response.Url).AbsolutePath, "^/api/auth/(token|refresh)$"))
            {
                return;
            }

            using var json = JsonDocument.Parse(await response.BodyAsync());
            lock (tokens)
            {
                tokens.Add((json.RootElement.GetProperty("access_token").GetString()!, json.RootElement.GetProperty("refresh_token").GetString()!));
            }
        };
        return tokens;
    }

    private static Dictionary<string, string> Bearer(string token) => new() { ["Authorization"] = "Bearer " + token };
}
