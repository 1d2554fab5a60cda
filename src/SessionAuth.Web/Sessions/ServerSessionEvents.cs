namespace SessionAuth.Web.Sessions;

/// <summary>
/// What the server-session scheme ends by itself, for code outside Sessions (the activity log) to
/// record. Each callback runs in the request that caused it; the defaults do nothing. A callback that
/// throws is logged and does not fail the request.
/// </summary>
public class ServerSessionEvents
{
    /// <summary>A sign-in at Sessions:MaxPerUser ended the user's least recently active session(s).</summary>
    public Func<SessionsEvictedContext, Task> OnSessionsEvicted { get; set; } = _ => Task.CompletedTask;

    /// <summary>Re-validation against the accounts database ended a session (the request goes on anonymous).</summary>
    public Func<SessionRejectedContext, Task> OnSessionRejected { get; set; } = _ => Task.CompletedTask;

    public virtual Task SessionsEvicted(SessionsEvictedContext context) => OnSessionsEvicted(context);

    public virtual Task SessionRejected(SessionRejectedContext context) => OnSessionRejected(context);
}

/// <summary>Sessions of <paramref name="UserId"/> that the limit ended while <paramref name="HttpContext"/> signed in.</summary>
public sealed record SessionsEvictedContext(HttpContext HttpContext, string UserId, IReadOnlyList<StoredSession> Evicted);

/// <summary>A session (<paramref name="Record"/>, named by <paramref name="Handle"/>) that re-validation ended, and why.</summary>
public sealed record SessionRejectedContext(
    HttpContext HttpContext, SessionHandle Handle, SessionRecord Record, SessionRejectionReason Reason);

public enum SessionRejectionReason
{
    /// <summary>The user's security stamp changed (a revoke, a password change or an administrator).</summary>
    SecurityStampChanged,

    /// <summary>The user no longer exists.</summary>
    UserDeleted,

    /// <summary>An operator locked the account (a lockout from wrong passwords only blocks new sign-ins).</summary>
    LockedOut,
}
