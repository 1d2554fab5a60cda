using Microsoft.Playwright;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Browser.Tests.Infrastructure;

/// <summary>
/// One redis-server, one app on Kestrel and one headless Debian Chromium, shared by the browser tests.
/// Each test opens its own browser context, so cookies never leak between tests.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public RedisServer Redis { get; private set; } = null!;

    public KestrelApplication App { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Playwright's own browser download cannot work here (no network), so it drives Debian's build.
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at {ChromiumPath}. Install it (`sudo apt-get install -y chromium`) " +
                "or run `scripts/test.sh`, which installs what the tests need.");
        }

        Redis = await RedisServer.StartAsync();
        // Every journey of the run signs in through this one app from one address (127.0.0.1): the per-address
        // limit of the account forms is tested by the web tests, not spent here.
        App = new KestrelApplication(Redis.ConnectionString, new Dictionary<string, string> { ["AccountEndpoints:PermitLimit"] = "1000" });
        App.Start();

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Root has no sandbox; the rest keeps Chromium from calling home on a closed network.
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
    }

    /// <summary>A fresh browser profile: no cookies, trusting the test's self-signed certificate.</summary>
    public Task<IBrowserContext> NewContextAsync(ViewportSize? viewport = null, bool javaScriptEnabled = true) =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = App.BaseAddress.ToString(),
            IgnoreHTTPSErrors = true,
            JavaScriptEnabled = javaScriptEnabled,
            ViewportSize = viewport ?? new ViewportSize { Width = 1280, Height = 800 },
        });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserFixtureGroup : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
