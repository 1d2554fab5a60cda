namespace SessionAuth.Web.Admin;

/// <summary>
/// What operators do from the console: who (the operator's user id) did what to whom (the user's id). No email
/// appears, not even as a fingerprint: the ids name both sides.
/// </summary>
internal static partial class AdminLog
{
    [LoggerMessage(EventId = 6001, EventName = "OperatorEndedSessions", Level = LogLevel.Warning,
        Message = "Operator {OperatorId} ended every session and API grant of user {UserId}: {Ended} ended")]
    public static partial void EndedSessions(ILogger logger, string operatorId, string userId, int ended);

    [LoggerMessage(EventId = 6002, EventName = "OperatorLockedAccount", Level = LogLevel.Warning,
        Message = "Operator {OperatorId} locked user {UserId}: {Ended} session(s) and API grant(s) ended")]
    public static partial void LockedAccount(ILogger logger, string operatorId, string userId, int ended);

    [LoggerMessage(EventId = 6003, EventName = "OperatorUnlockedAccount", Level = LogLevel.Warning,
        Message = "Operator {OperatorId} unlocked user {UserId}")]
    public static partial void UnlockedAccount(ILogger logger, string operatorId, string userId);

    [LoggerMessage(EventId = 6004, EventName = "OperatorActionRefused", Level = LogLevel.Warning,
        Message = "Operator {OperatorId} was refused {Action} on user {UserId}: {Reason}")]
    public static partial void ActionRefused(ILogger logger, string operatorId, string action, string userId, string reason);

    [LoggerMessage(EventId = 6005, EventName = "OperatorLockSessionsPending", Level = LogLevel.Warning,
        Message = "Operator {OperatorId} locked user {UserId}, but the session store could not be reached: the sessions and grants end at their next check")]
    public static partial void LockSessionsPending(ILogger logger, string operatorId, string userId, Exception exception);

    [LoggerMessage(EventId = 6006, EventName = "OperatorSentPasswordReset", Level = LogLevel.Warning,
        Message = "Operator {OperatorId} had a password-reset link mailed to user {UserId}: {Outcome}")]
    public static partial void SentPasswordReset(ILogger logger, string operatorId, string userId, string outcome);
}
