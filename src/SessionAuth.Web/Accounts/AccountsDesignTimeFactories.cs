using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace SessionAuth.Web.Accounts;

// Used only by `dotnet ef migrations add` (scripts/add-migration.sh): each provider's context is
// built without the app's settings, so generating a migration never needs a database or a server.

internal sealed class SqliteAccountsDbContextDesignFactory : IDesignTimeDbContextFactory<SqliteAccountsDbContext>
{
    public SqliteAccountsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteAccountsDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

internal sealed class PostgresAccountsDbContextDesignFactory : IDesignTimeDbContextFactory<PostgresAccountsDbContext>
{
    public PostgresAccountsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresAccountsDbContext>().UseNpgsql("Host=localhost;Database=sessionauth").Options);
}
