using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tests.Infrastructure;
using StackExchange.Redis;

namespace SessionAuth.Web.Tests.Faults;

/// <summary>The Redis client's timeouts are the app's settings, not the library's defaults (5 s and more).</summary>
public sealed class RedisClientTimeoutTests
{
    [Fact]
    public void ByDefaultConnectAndOperationTimeoutsAreAtMostTwoSeconds()
    {
        var defaults = new RedisOptions();

        Assert.InRange(defaults.ConnectTimeout, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2));
        Assert.InRange(defaults.OperationTimeout, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task TheClientUsesTheSettingsForConnectSyncAndAsyncTimeoutsOverTheConnectionString()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var app = new SessionAuthApplication(
            $"{redis.ConnectionString},connectTimeout=9000,syncTimeout=9000,asyncTimeout=9000",
            new Dictionary<string, string?> { ["Redis:ConnectTimeout"] = "00:00:00.800", ["Redis:OperationTimeout"] = "00:00:01.500" });

        var client = ConfigurationOptions.Parse(app.Services.GetRequiredService<IConnectionMultiplexer>().Configuration);

        Assert.Equal(800, client.ConnectTimeout);
        Assert.Equal(1500, client.SyncTimeout);
        Assert.Equal(1500, client.AsyncTimeout);
        Assert.False(client.AbortOnConnectFail);
    }
}
