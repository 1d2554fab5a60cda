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
}
