using SessionAuth.Web.Accounts;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>One test class's own redis-server and app instance, shared by its tests through <c>IClassFixture</c>.</summary>
public class RedisAppFixture : IAsyncLifetime
{
    private RedisAppPair _pair = null!;

    public RedisServer Redis => _pair.Redis;

    public SessionAuthApplication App => _pair.App;

    /// <summary>The accounts database's provider: SQLite here, PostgreSQL in <see cref="PostgresAppFixture"/>.</summary>
    protected virtual AccountsProvider Accounts => AccountsProvider.Sqlite;

    public async Task InitializeAsync() => _pair = await RedisAppPair.StartAsync(accounts: Accounts);

    public async Task DisposeAsync() => await _pair.DisposeAsync();
}

/// <summary>As <see cref="RedisAppFixture"/>, with the accounts in a database of its own on the test PostgreSQL server.</summary>
public sealed class PostgresAppFixture : RedisAppFixture
{
    protected override AccountsProvider Accounts => AccountsProvider.Postgres;
}
