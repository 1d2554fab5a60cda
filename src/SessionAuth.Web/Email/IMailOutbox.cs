namespace SessionAuth.Web.Email;

/// <summary>One message to send: the recipient's address, its <see cref="MailKinds">kind</see>, and its text in both forms.</summary>
public sealed record OutgoingMail(string To, string Kind, string Subject, string TextBody, string HtmlBody);

public enum MailQueueResult
{
    Queued,
    RecipientCapReached,
}

/// <summary>
/// The durable outbox: a queued message is a row in the accounts database, delivered by the background sender
/// (<see cref="OutboxSender"/>) with retries, so a mail server outage loses nothing and never holds up a page.
/// </summary>
public interface IMailOutbox
{
    /// <summary>
    /// Stores the message as an OutboxMessages row through the scoped accounts DbContext and saves it. It joins the
    /// context's current transaction when the caller began one, so the change and its mail commit together (the save
    /// also writes whatever else the caller left pending on that context). A capped kind
    /// (<see cref="MailKinds.IsCapped"/>) beyond Email:MaxPerRecipientPerHour for that recipient in the last hour is
    /// not stored and returns <see cref="MailQueueResult.RecipientCapReached"/> (a warning without the address).
    /// </summary>
    Task<MailQueueResult> QueueAsync(OutgoingMail mail, CancellationToken cancellationToken);
}
