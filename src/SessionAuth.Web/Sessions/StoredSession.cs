namespace SessionAuth.Web.Sessions;

/// <summary>
/// A session as listed for its owner: its handle (never its id, which only the cookie holds) and its
/// record. A page marks the current one by comparing with <see cref="SessionId.Handle"/> of its own
/// session, and ends another with <see cref="ISessionStore.RemoveByHandleAsync"/>.
/// </summary>
public sealed record StoredSession(SessionHandle Handle, SessionRecord Record);
