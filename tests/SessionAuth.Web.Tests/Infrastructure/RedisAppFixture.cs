namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>One test class's own redis-server and app instance.</summary>
public class RedisAppFixture : IAsyncLifetime
{
    public RedisServer Redis { get; private set; } = null!;

    public SessionAuthApplication App { get; private set; } = null!;

    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    protected virtual bool PersistentRedis => false;

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync(PersistentRedis);
        App = new SessionAuthApplication(Redis.ConnectionString, Settings);
        _ = App.Server; // start the host now, not inside the first test
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
