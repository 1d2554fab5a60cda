namespace SessionAuth.Web.Sessions;

/// <summary>One claim of the user kept in the session record, beyond id, name, email and roles.</summary>
public sealed record SessionClaim(string Type, string Value);
