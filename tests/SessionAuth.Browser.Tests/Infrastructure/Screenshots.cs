using Microsoft.Playwright;

namespace SessionAuth.Browser.Tests.Infrastructure;

/// <summary>Full-page pictures of the key pages, kept under the test output folder for a person to look at.</summary>
internal static class Screenshots
{
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public static async Task SaveAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Folder, name + ".png"), FullPage = true });
    }
}
