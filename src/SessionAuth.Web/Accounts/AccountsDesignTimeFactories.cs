using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace SessionAuth.Web.Accounts;

// Used only by `dotnet ef migrations add` (scripts/add-migration.sh): each provider's context is
// built without the app's settings, so generating a migration never needs a database or a server.

internal sealed class SqliteAccountsDbContextDesignFactory : IDesignTimeDbContextFactory<SqliteAccountsDbContext>
{
    public SqliteAccountsDbContext CreateDbContext(string[] args) =>
        new(DesignTimeIdentity.Apply(new DbContextOptionsBuilder<SqliteAccountsDbContext>().UseSqlite("Data Source=design-time.db")).Options);
}

internal sealed class PostgresAccountsDbContextDesignFactory : IDesignTimeDbContextFactory<PostgresAccountsDbContext>
{
    public PostgresAccountsDbContext CreateDbContext(string[] args) =>
        new(DesignTimeIdentity.Apply(new DbContextOptionsBuilder<PostgresAccountsDbContext>().UseNpgsql("Host=localhost;Database=sessionauth")).Options);
}

internal static class DesignTimeIdentity
{
    /// <summary>
    /// Identity reads its schema version (which tables the model has) from the app's IdentityOptions; without the
    /// app, a migration would be made for version 1 and drop the passkeys table. This hands it the app's version.
    /// </summary>
    public static DbContextOptionsBuilder<TContext> Apply<TContext>(DbContextOptionsBuilder<TContext> options)
        where TContext : DbContext =>
        options.UseApplicationServiceProvider(new ServiceCollection()
            .Configure<IdentityOptions>(identity => identity.Stores.SchemaVersion = AccountsExtensions.IdentitySchema)
            .BuildServiceProvider());
}
