using System.Runtime.CompilerServices;

namespace SessionAuth.Web.Tests.Infrastructure;

internal static class TestProcessSettings
{
    /// <summary>
    /// Every app instance a test starts would watch appsettings*.json for changes: one inotify
    /// instance each, from a per-user limit of 128 that parallel test classes (and test runs of
    /// other worktrees on a shared machine) exhaust, failing start-ups at random. No test edits
    /// those files, so the watch is off for the app instances of this process and its children. The
    /// stylesheet's version hash (AssetUrls) watches wwwroot too: file providers poll instead.
    /// </summary>
    [ModuleInitializer]
    internal static void NoConfigurationFileWatchers()
    {
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
        Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "1");
    }
}
