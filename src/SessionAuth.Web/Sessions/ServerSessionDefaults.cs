namespace SessionAuth.Web.Sessions;

/// <summary>Default values of the server-session authentication scheme.</summary>
public static class ServerSessionDefaults
{
    public const string Scheme = "ServerSession";

    /// <summary><c>__Host-</c>: browsers insist on Secure, Path=/ and no Domain.</summary>
    public const string CookieName = "__Host-session";

    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(20);

    public static readonly TimeSpan ValidationInterval = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan AbsoluteTimeout = TimeSpan.FromHours(8);

    /// <summary>The idle timeout of a session signed in with "Keep me signed in".</summary>
    public static readonly TimeSpan PersistentIdleTimeout = TimeSpan.FromDays(14);

    /// <summary>The absolute timeout of a session signed in with "Keep me signed in".</summary>
    public static readonly TimeSpan PersistentAbsoluteTimeout = TimeSpan.FromDays(30);

    /// <summary>Most bytes of one session's <c>HttpContext.Session</c> data: 4 KB.</summary>
    public const int MaxDataBytes = 4096;
}
