namespace SessionAuth.Web.Sessions;

/// <summary>Security events of the session flow. Session ids appear only as a short one-way fingerprint.</summary>
internal static partial class SessionLog
{
    [LoggerMessage(EventId = 2001, EventName = "SessionCreated", Level = LogLevel.Information,
        Message = "Session {SessionFingerprint} created for user {UserId} in the {Store} store (persistent: {IsPersistent})")]
    public static partial void SessionCreated(ILogger logger, string userId, string sessionFingerprint, string store, bool isPersistent);

    [LoggerMessage(EventId = 2002, EventName = "SessionEnded", Level = LogLevel.Information,
        Message = "Session {SessionFingerprint} of user {UserId} ended by sign-out")]
    public static partial void SessionEnded(ILogger logger, string userId, string sessionFingerprint);

    [LoggerMessage(EventId = 2003, EventName = "SessionReplaced", Level = LogLevel.Information,
        Message = "Session {SessionFingerprint} the browser brought to sign-in was ended")]
    public static partial void SessionReplaced(ILogger logger, string sessionFingerprint);

    [LoggerMessage(EventId = 2004, EventName = "SessionCookieRejected", Level = LogLevel.Debug,
        Message = "A session cookie failed its integrity check and was ignored")]
    public static partial void RejectedCookie(ILogger logger);

    [LoggerMessage(EventId = 2005, EventName = "SessionStoreUnavailable", Level = LogLevel.Warning,
        Message = "The {Store} session store is unavailable; the request is treated as anonymous")]
    public static partial void StoreUnavailable(ILogger logger, string store, Exception exception);

    /// <summary>Information for Redis; a warning for the in-process store outside Development.</summary>
    [LoggerMessage(EventId = 2006, EventName = "SessionStoreSelected", Message = "Session store: {Store}. {Detail}")]
    public static partial void StoreSelected(ILogger logger, LogLevel level, string store, string detail);

    [LoggerMessage(EventId = 2007, EventName = "SessionCookieKeyLoaded", Level = LogLevel.Information,
        Message = "Session cookies are signed with key {KeyFingerprint} from {Source}; {PreviousKeyCount} previous key(s) accepted for verification")]
    public static partial void CookieKeyLoaded(ILogger logger, string keyFingerprint, string source, int previousKeyCount);

    [LoggerMessage(EventId = 2008, EventName = "SessionCookieKeyChanged", Level = LogLevel.Warning,
        Message = "The session cookie key changed from {OldKeyFingerprint} to {NewKeyFingerprint}, adopted from the {Store}. "
            + "Expected after a database restore; otherwise someone with write access to the {Store} replaced it. Set Sessions:CookieKey to pin the key.")]
    public static partial void CookieKeyChanged(ILogger logger, string oldKeyFingerprint, string newKeyFingerprint, string store);

    [LoggerMessage(EventId = 2009, EventName = "SessionsEvictedByLimit", Level = LogLevel.Information,
        Message = "A sign-in of user {UserId} at Sessions:MaxPerUser ended their least recently active session {SessionFingerprint} (last active {LastActiveAt:o})")]
    public static partial void SessionEvicted(ILogger logger, string userId, string sessionFingerprint, DateTimeOffset lastActiveAt);

    [LoggerMessage(EventId = 2010, EventName = "SessionRejectedByValidation", Level = LogLevel.Warning,
        Message = "Session {SessionFingerprint} of user {UserId} ended by re-validation: {Reason}")]
    public static partial void SessionRejected(ILogger logger, string userId, string sessionFingerprint, SessionRejectionReason reason);

    [LoggerMessage(EventId = 2011, EventName = "SessionsRevoked", Level = LogLevel.Information,
        Message = "{Count} session(s) of user {UserId} revoked ({Scope})")]
    public static partial void SessionsRevoked(ILogger logger, string userId, int count, string scope);

    [LoggerMessage(EventId = 2012, EventName = "SessionStampNotRotated", Level = LogLevel.Warning,
        Message = "The security stamp of user {UserId} could not be rotated, or the surviving sessions re-stamped, after ending a session; the ended sessions are gone")]
    public static partial void StampNotRotated(ILogger logger, string userId, Exception? exception);

    [LoggerMessage(EventId = 2013, EventName = "SessionValidationUnavailable", Level = LogLevel.Warning,
        Message = "Session {SessionFingerprint} could not be re-validated (accounts database unavailable); the request is treated as anonymous")]
    public static partial void ValidationUnavailable(ILogger logger, string sessionFingerprint, Exception exception);

    [LoggerMessage(EventId = 2014, EventName = "SessionEventFailed", Level = LogLevel.Error,
        Message = "A server-session event handler ({Event}) failed; the request goes on")]
    public static partial void EventFailed(ILogger logger, string @event, Exception exception);

    /// <summary>The commit made for a page as its response started; a page that calls CommitAsync gets the exception instead.</summary>
    [LoggerMessage(EventId = 2015, EventName = "SessionDataCommitFailed", Level = LogLevel.Warning,
        Message = "The HttpContext.Session changes of session {SessionFingerprint} were not stored ({ExceptionType}: {Reason}); the response says so")]
    public static partial void DataCommitFailed(ILogger logger, string sessionFingerprint, string exceptionType, string reason, Exception? exception);
}
