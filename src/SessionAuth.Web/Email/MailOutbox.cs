using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace SessionAuth.Web.Email;

/// <summary>The outbox on <typeparamref name="TContext"/> (the accounts database), which maps <see cref="OutboxMessage"/>.</summary>
internal sealed class MailOutbox<TContext>(
    TContext db,
    IOptions<EmailOptions> options,
    MailSignal signal,
    EmailFingerprint fingerprint,
    TimeProvider time,
    ILogger<MailOutbox<TContext>> logger) : IMailOutbox
    where TContext : DbContext
{
    public async Task<MailQueueResult> QueueAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        Check(mail);
        var now = time.GetUtcNow().UtcDateTime;
        var recipientKey = RecipientKey(mail.To);
        if (MailKinds.IsCapped(mail.Kind))
        {
            var max = options.Value.MaxPerRecipientPerHour;
            var since = now.AddHours(-1);
            var recent = await db.Set<OutboxMessage>()
                .CountAsync(m => m.RecipientKey == recipientKey && m.CreatedAt > since && MailKinds.Capped.Contains(m.Kind), cancellationToken);
            if (recent >= max)
            {
                EmailLog.RecipientCapReached(logger, mail.Kind, await fingerprint.OfAsync(mail.To, cancellationToken), max);
                return MailQueueResult.RecipientCapReached;
            }
        }

        var message = new OutboxMessage
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            Recipient = mail.To.Trim(),
            RecipientKey = recipientKey,
            Kind = mail.Kind,
            Subject = mail.Subject,
            TextBody = mail.TextBody,
            HtmlBody = mail.HtmlBody,
            CreatedAt = now,
            DueAt = now,
        };
        var entry = db.Set<OutboxMessage>().Add(message);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch
        {
            // Not stored: a later save on this context must not send it after all.
            entry.State = EntityState.Detached;
            throw;
        }

        if (db.Database.CurrentTransaction is { } transaction)
        {
            signal.WakeAfterCommit(transaction.GetDbTransaction());
        }
        else
        {
            signal.Wake();
        }

        EmailLog.Queued(logger, message.Id, message.Kind, await fingerprint.OfAsync(mail.To, cancellationToken));
        return MailQueueResult.Queued;
    }

    internal static string RecipientKey(string address) => address.Trim().ToUpperInvariant();

    /// <summary>A caller's mistake, not a user's: the flows pass addresses Identity already accepted.</summary>
    private static void Check(OutgoingMail mail)
    {
        if (mail.To.Length > OutboxMessage.RecipientMaxLength || !EmailOptionsValidator.IsMailbox(mail.To) || mail.To.Contains('<', StringComparison.Ordinal))
        {
            throw new ArgumentException("To must be one plain email address.", nameof(mail));
        }

        if (string.IsNullOrEmpty(mail.Kind) || mail.Kind.Length > OutboxMessage.KindMaxLength)
        {
            throw new ArgumentException($"Kind must be one of {nameof(MailKinds)}.", nameof(mail));
        }

        if (string.IsNullOrWhiteSpace(mail.Subject) || mail.Subject.Length > OutboxMessage.SubjectMaxLength
            || mail.Subject.Contains('\r', StringComparison.Ordinal) || mail.Subject.Contains('\n', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Subject must be one line of at most {OutboxMessage.SubjectMaxLength} characters.", nameof(mail));
        }
    }
}
