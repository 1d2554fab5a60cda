namespace SessionAuth.Web.Sessions;

/// <summary>Default values of the server-session authentication scheme.</summary>
public static class ServerSessionDefaults
{
    public const string Scheme = "ServerSession";
}
