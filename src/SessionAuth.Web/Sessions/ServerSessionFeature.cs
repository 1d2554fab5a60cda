namespace SessionAuth.Web.Sessions;

/// <summary>The session behind the current request, for pages that show or end it.</summary>
public sealed record ServerSessionFeature(SessionId Id, SessionRecord Record, string StoreName);
