using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// The accounts model: Identity's users and roles, the Data Protection key ring and the session
/// cookie key. One model, one subclass per provider (<see cref="SqliteAccountsDbContext"/>,
/// <see cref="PostgresAccountsDbContext"/>), each with its own migrations folder, because a
/// migration's SQL and column types are provider-specific. Everything else asks for this type.
/// </summary>
public abstract class AccountsDbContext(DbContextOptions options)
    : IdentityDbContext<ApplicationUser>(options), IDataProtectionKeyContext
{
    /// <summary>Long-lived secrets, not cache: here so a Redis flush cannot split the instances' forms.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<CookieKeyRecord> CookieKeys => Set<CookieKeyRecord>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<DataProtectionKey>();
        builder.Entity<CookieKeyRecord>(key =>
        {
            key.ToTable("CookieKeys");
            key.HasKey(k => k.Name);
            key.Property(k => k.Name).HasMaxLength(64);
        });
    }
}

/// <summary>The accounts database on SQLite (Accounts:Provider=Sqlite, the default); migrations in Migrations/Sqlite.</summary>
public sealed class SqliteAccountsDbContext(DbContextOptions<SqliteAccountsDbContext> options) : AccountsDbContext(options);

/// <summary>The accounts database on PostgreSQL (Accounts:Provider=Postgres); migrations in Migrations/Postgres.</summary>
public sealed class PostgresAccountsDbContext(DbContextOptions<PostgresAccountsDbContext> options) : AccountsDbContext(options);
