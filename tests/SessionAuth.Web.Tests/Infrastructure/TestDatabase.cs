using SessionAuth.Web.Accounts;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>
/// An accounts database of its own for a test class or a group of app instances: a fresh SQLite
/// file, or a fresh database on the shared PostgreSQL server (<see cref="PostgresServer"/>).
/// The app migrates it at start, like a first deployment.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly PostgresServer? _postgres;

    private TestDatabase(AccountsProvider provider, string connectionString, string? sqlitePath, PostgresServer? postgres)
    {
        Provider = provider;
        ConnectionString = connectionString;
        SqlitePath = sqlitePath;
        _postgres = postgres;
    }

    public AccountsProvider Provider { get; }

    /// <summary>What the app is given as ConnectionStrings:Accounts.</summary>
    public string ConnectionString { get; }

    /// <summary>The file, for SQLite; null for PostgreSQL.</summary>
    public string? SqlitePath { get; }

    public static TestDatabase Sqlite(string purpose = "tests")
    {
        var path = TestHost.NewDatabasePath(purpose);
        return new TestDatabase(AccountsProvider.Sqlite, $"Data Source={path}", path, postgres: null);
    }

    public static async Task<TestDatabase> PostgresAsync(string purpose = "tests")
    {
        var server = await PostgresServer.SharedAsync();
        return new TestDatabase(AccountsProvider.Postgres, await server.CreateDatabaseAsync(purpose), sqlitePath: null, server);
    }

    public static Task<TestDatabase> CreateAsync(AccountsProvider provider, string purpose = "tests") =>
        provider == AccountsProvider.Postgres ? PostgresAsync(purpose) : Task.FromResult(Sqlite(purpose));

    /// <summary>The settings that point the app at this database.</summary>
    public void AddSettings(IDictionary<string, string?> settings)
    {
        settings["Accounts:Provider"] = Provider.ToString();
        settings["ConnectionStrings:Accounts"] = ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (SqlitePath is not null)
        {
            TestHost.DeleteDatabase(SqlitePath);
        }
        else if (_postgres is not null)
        {
            await _postgres.DropDatabaseAsync(ConnectionString);
        }
    }
}
