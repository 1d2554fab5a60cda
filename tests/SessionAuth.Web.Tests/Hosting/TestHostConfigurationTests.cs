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

    [Fact]
    public async Task ServingPagesWithVersionedAssetsTakesNoInotifyInstance()
    {
        var before = InotifyInstances();
        await using var app = new SessionAuthApplication(redisConnectionString: null);
        using var client = app.CreateAppClient();

        // The layout's asp-append-version asset URLs make the web root's file provider watch each file.
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/Account/Login")).StatusCode);

        // Other tests' hosts may start or stop meanwhile, but with the same settings none takes one either.
        Assert.True(InotifyInstances() <= before, $"inotify instances of this process went from {before} to {InotifyInstances()}");
    }

    private static int InotifyInstances() =>
        new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos().Count(fd =>
        {
            try
            {
                return fd.LinkTarget == "anon_inode:inotify";
            }
            catch (IOException)
            {
                return false; // closed while being read
            }
        });
}
