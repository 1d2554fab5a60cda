namespace SessionAuth.Web.Email;

/// <summary>
/// Mail events: a message appears as its id, kind and the recipient's fingerprint (<see cref="EmailFingerprint"/>);
/// never its address, subject, body or links (which carry confirmation and reset codes), at any level.
/// </summary>
internal static partial class EmailLog
{
    [LoggerMessage(EventId = 5001, EventName = "MailToPickupDirectory",
        Message = "No Email:Smtp:Host is set: mail is written as .eml files to {PickupDirectory}, and nobody receives it")]
    public static partial void MailToPickupDirectory(ILogger logger, LogLevel level, string pickupDirectory);

    [LoggerMessage(EventId = 5002, EventName = "MailOverSmtp", Level = LogLevel.Information,
        Message = "Mail goes to {SmtpHost}:{SmtpPort} ({SmtpSecurity})")]
    public static partial void MailOverSmtp(ILogger logger, string smtpHost, int smtpPort, string smtpSecurity);

    [LoggerMessage(EventId = 5003, EventName = "LinksFromListeningAddress", Level = LogLevel.Warning,
        Message = "App:PublicUrl is not set: links in mail use this app's first listening address. Set App:PublicUrl to the address people reach the app at")]
    public static partial void LinksFromListeningAddress(ILogger logger);

    [LoggerMessage(EventId = 5010, EventName = "MailQueued", Level = LogLevel.Information,
        Message = "Mail {MessageId} ({MailKind}) to {RecipientFingerprint} queued")]
    public static partial void Queued(ILogger logger, Guid messageId, string mailKind, string recipientFingerprint);

    [LoggerMessage(EventId = 5011, EventName = "MailRecipientCapReached", Level = LogLevel.Warning,
        Message = "Mail ({MailKind}) to {RecipientFingerprint} not queued: the address had {MaxPerHour} such mails in the last hour")]
    public static partial void RecipientCapReached(ILogger logger, string mailKind, string recipientFingerprint, int maxPerHour);

    [LoggerMessage(EventId = 5012, EventName = "MailSent", Level = LogLevel.Information,
        Message = "Mail {MessageId} ({MailKind}) to {RecipientFingerprint} sent on attempt {Attempt}")]
    public static partial void Sent(ILogger logger, Guid messageId, string mailKind, string recipientFingerprint, int attempt);

    [LoggerMessage(EventId = 5013, EventName = "MailRetrying", Level = LogLevel.Warning,
        Message = "Mail {MessageId} ({MailKind}) to {RecipientFingerprint} failed on attempt {Attempt} ({Failure}); next attempt in {RetryDelay}")]
    public static partial void Retrying(ILogger logger, Guid messageId, string mailKind, string recipientFingerprint, int attempt, string failure, TimeSpan retryDelay);

    [LoggerMessage(EventId = 5014, EventName = "MailFailed", Level = LogLevel.Error,
        Message = "Mail {MessageId} ({MailKind}) to {RecipientFingerprint} failed for good after {Attempt} attempt(s) ({Failure})")]
    public static partial void Failed(ILogger logger, Guid messageId, string mailKind, string recipientFingerprint, int attempt, string failure);

    [LoggerMessage(EventId = 5015, EventName = "MailSenderPassFailed", Level = LogLevel.Warning,
        Message = "The mail sender could not read or update the outbox ({Failure}); it tries again in {RetryDelay}")]
    public static partial void PassFailed(ILogger logger, string failure, TimeSpan retryDelay);

    [LoggerMessage(EventId = 5016, EventName = "MailPruned", Level = LogLevel.Information,
        Message = "Deleted {Count} finished outbox message(s) older than {RetentionDays} day(s)")]
    public static partial void Pruned(ILogger logger, int count, int retentionDays);

    [LoggerMessage(EventId = 5017, EventName = "MailLeaseLost", Level = LogLevel.Warning,
        Message = "Mail {MessageId} ({MailKind}) was sent after its lease ran out; another instance may send it again. Raise Email:Smtp:Timeout's headroom or look at the sender's pauses")]
    public static partial void LeaseLost(ILogger logger, Guid messageId, string mailKind);
}
