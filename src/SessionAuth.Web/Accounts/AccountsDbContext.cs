using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Accounts.Passkeys;
using SessionAuth.Web.Email;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// The accounts model: Identity's users, roles and passkeys (schema version 3), the activity log, the mail outbox, the Data
/// Protection key ring and the session cookie key. One model, one subclass per provider (<see cref="SqliteAccountsDbContext"/>,
/// <see cref="PostgresAccountsDbContext"/>), each with its own migrations folder, because a
/// migration's SQL and column types are provider-specific. Everything else asks for this type.
/// A model change needs a migration for both: <c>bash scripts/add-migration.sh Name</c>.
/// </summary>
public abstract class AccountsDbContext(DbContextOptions options)
    : IdentityDbContext<ApplicationUser>(options), IDataProtectionKeyContext
{
    public DbSet<ActivityEvent> ActivityEvents => Set<ActivityEvent>();

    /// <summary>Long-lived secrets, not cache: here so a Redis flush cannot split the instances' forms.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<CookieKeyRecord> CookieKeys => Set<CookieKeyRecord>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        // Identity keeps no "last used" for a passkey; the passkeys page shows one, and a passkey sign-in sets it.
        builder.Entity<IdentityUserPasskey<string>>().Property<DateTimeOffset?>(PasskeyLastUsed.PropertyName);
        builder.Entity<ActivityEvent>(activity =>
        {
            activity.ToTable("ActivityEvents");
            activity.Property(e => e.UserId).HasMaxLength(450).IsRequired();
            // By name: the rows read plainly, and new kinds can go anywhere in the enum.
            activity.Property(e => e.Kind).HasConversion<string>().HasMaxLength(40);
            activity.Property(e => e.ClientIp).HasMaxLength(ActivityEvent.IpMaxLength);
            activity.Property(e => e.UserAgent).HasMaxLength(ActivityEvent.UserAgentMaxLength);
            activity.Property(e => e.Detail).HasMaxLength(ActivityEvent.DetailMaxLength);
            // The page's query (a user's latest) and account deletion; the retention delete uses the second.
            activity.HasIndex(e => new { e.UserId, e.OccurredAt });
            activity.HasIndex(e => e.OccurredAt);
        });
        builder.Entity<DataProtectionKey>();
        builder.Entity<CookieKeyRecord>(key =>
        {
            key.ToTable("CookieKeys");
            key.HasKey(k => k.Name);
            key.Property(k => k.Name).HasMaxLength(64);
        });
        // Email owns the table's shape; it lives here so a change and its mail share one transaction.
        builder.ApplyConfiguration(new OutboxMessageConfiguration());
    }
}

/// <summary>The accounts database on SQLite (Accounts:Provider=Sqlite, the default); migrations in Migrations/Sqlite.</summary>
public sealed class SqliteAccountsDbContext(DbContextOptions<SqliteAccountsDbContext> options) : AccountsDbContext(options);

/// <summary>The accounts database on PostgreSQL (Accounts:Provider=Postgres); migrations in Migrations/Postgres.</summary>
public sealed class PostgresAccountsDbContext(DbContextOptions<PostgresAccountsDbContext> options) : AccountsDbContext(options);
