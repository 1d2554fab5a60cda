namespace SessionAuth.Web.Sessions;

/// <summary>
/// A session as listed for its owner: its handle (never its id, which only the cookie holds) and its
/// record. A page marks the current one by comparing with <see cref="SessionId.Handle"/> of its own
/// session, and ends another through <see cref="SessionRevocation"/>.
/// </summary>
/// <param name="LastActiveAt">
/// The session's last request, derived from the store's idle deadline (Redis: now − (idle timeout −
/// PTTL)) so that the per-request path writes nothing extra; never before <see cref="SessionRecord.CreatedAt"/>.
/// </param>
/// <param name="EndsAt">When the session ends if unused: the earlier of its idle and absolute expiry.</param>
public sealed record StoredSession(SessionHandle Handle, SessionRecord Record, DateTimeOffset LastActiveAt, DateTimeOffset EndsAt);
