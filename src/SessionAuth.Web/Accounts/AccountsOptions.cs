namespace SessionAuth.Web.Accounts;

/// <summary>The accounts database: which EF Core provider reads ConnectionStrings:Accounts.</summary>
public sealed class AccountsOptions
{
    public const string SectionName = "Accounts";
    public const string ProviderKey = "Accounts:Provider";

    public AccountsProvider Provider { get; set; } = AccountsProvider.Sqlite;
}

public enum AccountsProvider
{
    /// <summary>An embedded file: one machine, no server to run (the default).</summary>
    Sqlite,

    /// <summary>A PostgreSQL server shared by every instance (Npgsql).</summary>
    Postgres,
}
