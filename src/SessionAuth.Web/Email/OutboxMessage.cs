using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SessionAuth.Web.Email;

/// <summary>
/// One queued message (table OutboxMessages in the accounts database). Times are UTC DateTimes, not
/// DateTimeOffsets: SQLite can compare and order them (stored as ISO text).
/// </summary>
public sealed class OutboxMessage
{
    public const int RecipientMaxLength = 256;
    public const int KindMaxLength = 40;
    public const int SubjectMaxLength = 200;
    public const int LastErrorMaxLength = 200;

    /// <summary>Also the message's Message-Id (with the From domain), the same on every attempt.</summary>
    public Guid Id { get; set; }

    public required string Recipient { get; set; }

    /// <summary>The recipient upper-cased: the per-recipient cap counts by it.</summary>
    public required string RecipientKey { get; set; }

    public required string Kind { get; set; }

    public required string Subject { get; set; }

    public required string TextBody { get; set; }

    public required string HtmlBody { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>When the next attempt may start (creation, then after each failure the backoff).</summary>
    public DateTime DueAt { get; set; }

    public int Attempts { get; set; }

    /// <summary>The sender that claimed the row, while its lease lasts; marking the outcome checks it.</summary>
    public Guid? LeaseToken { get; set; }

    public DateTime? LeaseUntil { get; set; }

    public DateTime? SentAt { get; set; }

    /// <summary>Given up after Email:MaxAttempts, or refused for good by the mail server.</summary>
    public DateTime? FailedAt { get; set; }

    /// <summary>The last failure's kind and SMTP status, never the server's text (it may echo the address).</summary>
    public string? LastError { get; set; }
}

/// <summary>The table's shape; the accounts model applies it (<c>builder.ApplyConfiguration</c>).</summary>
public sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("OutboxMessages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).ValueGeneratedNever();
        builder.Property(m => m.Recipient).HasMaxLength(OutboxMessage.RecipientMaxLength);
        builder.Property(m => m.RecipientKey).HasMaxLength(OutboxMessage.RecipientMaxLength);
        builder.Property(m => m.Kind).HasMaxLength(OutboxMessage.KindMaxLength);
        builder.Property(m => m.Subject).HasMaxLength(OutboxMessage.SubjectMaxLength);
        builder.Property(m => m.LastError).HasMaxLength(OutboxMessage.LastErrorMaxLength);
        // The sender's claim (due, unfinished rows), the per-recipient cap, and the retention delete.
        builder.HasIndex(m => m.DueAt);
        builder.HasIndex(m => new { m.RecipientKey, m.CreatedAt });
        builder.HasIndex(m => m.SentAt);
    }
}
