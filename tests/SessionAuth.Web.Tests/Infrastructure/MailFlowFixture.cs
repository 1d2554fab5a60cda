using SessionAuth.Web.Accounts;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>
/// One test class's app on its own redis-server and accounts database, sending its mail over TCP to a real SMTP
/// server in the test process (<see cref="TestSmtpServer"/>), with App:PublicUrl = https://sa.test.
/// </summary>
public class MailFlowFixture : IAsyncLifetime
{
    private RedisAppPair _pair = null!;

    public TestSmtpServer Smtp { get; private set; } = null!;

    public SessionAuthApplication App => _pair.App;

    public RedisAppPair Pair => _pair;

    protected virtual AccountsProvider Accounts => AccountsProvider.Sqlite;

    /// <summary>Settings on top of the mail server's, for a class that needs its own.</summary>
    protected virtual IReadOnlyDictionary<string, string?>? Settings => null;

    public async Task InitializeAsync()
    {
        Smtp = await TestSmtpServer.StartAsync();
        _pair = await RedisAppPair.StartAsync(Smtp.Settings(Settings), accounts: Accounts);
    }

    public async Task DisposeAsync()
    {
        await _pair.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

/// <summary>As <see cref="MailFlowFixture"/>, with the accounts in a database of its own on the test PostgreSQL server.</summary>
public sealed class PostgresMailFlowFixture : MailFlowFixture
{
    protected override AccountsProvider Accounts => AccountsProvider.Postgres;
}
