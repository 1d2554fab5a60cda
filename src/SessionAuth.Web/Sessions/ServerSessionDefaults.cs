namespace SessionAuth.Web.Sessions;

/// <summary>Default values of the server-session authentication scheme.</summary>
public static class ServerSessionDefaults
{
    public const string Scheme = "ServerSession";

    /// <summary><c>__Host-</c>: browsers insist on Secure, Path=/ and no Domain.</summary>
    public const string CookieName = "__Host-session";

    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(20);

    public static readonly TimeSpan AbsoluteTimeout = TimeSpan.FromHours(8);

    /// <summary>
    /// The Retry-After of every 503 while the session store is away (seconds): the client reconnects
    /// with back-off capped at 5 s, so the store is usually back within that.
    /// </summary>
    public const string RetryAfterSeconds = "5";
}
