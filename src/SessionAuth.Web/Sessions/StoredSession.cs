namespace SessionAuth.Web.Sessions;

/// <summary>A session with its id, as listed for its owner.</summary>
public sealed record StoredSession(SessionId Id, SessionRecord Record);
