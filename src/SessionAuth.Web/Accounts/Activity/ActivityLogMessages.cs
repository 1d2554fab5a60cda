namespace SessionAuth.Web.Accounts.Activity;

internal static partial class ActivityLogMessages
{
    [LoggerMessage(EventId = 1030, EventName = "ActivityWriteFailed", Level = LogLevel.Error,
        Message = "Could not store activity event {Kind} of user {UserId}; the request goes on without it")]
    public static partial void WriteFailed(ILogger logger, Exception exception, ActivityKind kind, string userId);

    [LoggerMessage(EventId = 1031, EventName = "ActivityPruned", Level = LogLevel.Information,
        Message = "Deleted {Count} activity event(s) older than {RetentionDays} days")]
    public static partial void Pruned(ILogger logger, int count, int retentionDays);

    [LoggerMessage(EventId = 1032, EventName = "ActivityPruneFailed", Level = LogLevel.Warning,
        Message = "Could not delete old activity events; trying again in {Interval}")]
    public static partial void PruneFailed(ILogger logger, Exception exception, TimeSpan interval);

    [LoggerMessage(EventId = 1033, EventName = "AccountDeleted", Level = LogLevel.Information,
        Message = "User {UserId} deleted their account; {EndedSessions} session(s) and {DeletedEvents} activity event(s) went with it")]
    public static partial void AccountDeleted(ILogger logger, string userId, int endedSessions, int deletedEvents);
}
