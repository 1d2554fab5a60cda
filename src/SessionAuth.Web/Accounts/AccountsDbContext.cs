using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using SessionAuth.Web.Accounts.Activity;

namespace SessionAuth.Web.Accounts;

public sealed class AccountsDbContext(DbContextOptions<AccountsDbContext> options)
    : IdentityDbContext<ApplicationUser>(options)
{
    public DbSet<ActivityEvent> ActivityEvents => Set<ActivityEvent>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
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
    }
}
