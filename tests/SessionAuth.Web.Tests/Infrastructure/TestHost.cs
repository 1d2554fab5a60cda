using Microsoft.AspNetCore.Hosting;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>
/// How every test hosts the app, in-memory or on Kestrel: as "Testing" (cookies hardened as in
/// production), with Development's strict service-provider checks, a real Redis (or none) and a
/// SQLite file of its own. Linked into the browser tests too.
/// </summary>
public static class TestHost
{
    /// <summary>The tests' HS256 token signing key (outside Development the app refuses to start without one).</summary>
    public const string TokenSigningKey = "dGVzdHMtb25seSB0b2tlbiBzaWduaW5nIGtleSwgMzIrIGJ5dGVzIGxvbmc=";

    /// <summary>The host's switch for watching appsettings*.json (read before the files are added).</summary>
    public const string ReloadConfigOnChange = "hostBuilder:reloadConfigOnChange";

    /// <summary>Makes every PhysicalFileProvider created afterwards in this process poll instead of using inotify.</summary>
    public const string PollingFileWatcher = "DOTNET_USE_POLLING_FILE_WATCHER";

    public static string NewDatabasePath(string purpose) =>
        Path.Combine(Path.GetTempPath(), $"sessionauth-{purpose}-{Guid.NewGuid():N}.db");

    /// <summary>A fresh folder under the system temp folder for the app's .eml files: tests never write mail into the repository.</summary>
    public static string NewMailPickupDirectory() =>
        Path.Combine(Path.GetTempPath(), "sessionauth-mail", Guid.NewGuid().ToString("N"));

    public static void Configure(IWebHostBuilder builder, string databasePath, string? redisConnectionString)
    {
        builder.UseEnvironment("Testing");
        // No file watchers: each host would take inotify instances (128 per user on Linux), and a
        // test run hosts dozens. The product keeps the framework default (reload on change).
        builder.UseSetting(ReloadConfigOnChange, "false");
        // The web root's file provider watches each asset that asp-append-version hashes, which takes an
        // inotify instance per host as well. Its documented switch to polling takes none; read when the
        // provider is made, so before this host builds. Tests only: the product keeps the default.
        Environment.SetEnvironmentVariable(PollingFileWatcher, "true");
        // As strict as Development: a singleton that captures a scoped service fails every test.
        builder.UseDefaultServiceProvider(options =>
        {
            options.ValidateScopes = true;
            options.ValidateOnBuild = true;
        });
        builder.UseSetting("ConnectionStrings:Accounts", $"Data Source={databasePath}");
        builder.UseSetting("ConnectionStrings:Redis", redisConnectionString ?? "");
        builder.UseSetting("Tokens:SigningKey", TokenSigningKey);
        // Without a mail server the app writes .eml files; not into the repository's App_Data.
        builder.UseSetting("Email:PickupDirectory", NewMailPickupDirectory());
    }

    public static void DeleteDatabase(string databasePath)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(databasePath + suffix);
        }
    }
}
