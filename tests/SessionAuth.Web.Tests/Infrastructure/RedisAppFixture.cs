namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>One test class's own redis-server and app instance, shared by its tests through <c>IClassFixture</c>.</summary>
public sealed class RedisAppFixture : IAsyncLifetime
{
    private RedisAppPair _pair = null!;

    public RedisServer Redis => _pair.Redis;

    public SessionAuthApplication App => _pair.App;

    public async Task InitializeAsync() => _pair = await RedisAppPair.StartAsync();

    public async Task DisposeAsync() => await _pair.DisposeAsync();
}
