using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Hosting;

/// <summary>
/// The test hosts read appsettings*.json once and watch nothing: a watcher per host takes an inotify
/// instance, and a test run that hosts dozens of apps would hit the per-user limit (128).
/// </summary>
public sealed class TestHostConfigurationTests
{
    [Fact]
    public async Task TheTestHostReadsItsSettingsFilesWithoutWatchingThem()
    {
        await using var app = new SessionAuthApplication(redisConnectionString: null);

        var root = (IConfigurationRoot)app.Services.GetRequiredService<IConfiguration>();

        var files = root.Providers.OfType<FileConfigurationProvider>().ToList();
        Assert.Contains(files, file => file.Source.Path == "appsettings.json");
        Assert.All(files, file => Assert.False(file.Source.ReloadOnChange, $"{file.Source.Path} is watched for changes"));
        Assert.Equal("false", root[TestHost.ReloadConfigOnChange]);
    }
}
