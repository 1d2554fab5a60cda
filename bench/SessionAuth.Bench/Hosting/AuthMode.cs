namespace SessionAuth.Bench.Hosting;

/// <summary>How a hosted copy of the app authenticates a request: the product, or a design it is compared with.</summary>
internal enum AuthMode
{
    /// <summary>The product as shipped: a signed opaque id in the cookie, the session record in Redis.</summary>
    ServerSession,

    /// <summary>ASP.NET Core's cookie authentication: the whole ticket in the cookie, no lookup at all.</summary>
    StatelessCookie,

    /// <summary>ASP.NET Core's Session middleware over RedisCache holding the same user record.</summary>
    DistributedSession,
}

internal static class AuthModes
{
    public static string Name(this AuthMode mode) => mode switch
    {
        AuthMode.ServerSession => "server-session",
        AuthMode.StatelessCookie => "stateless-cookie",
        AuthMode.DistributedSession => "distributed-session",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    public static AuthMode Parse(string name) =>
        Enum.GetValues<AuthMode>().FirstOrDefault(m => m.Name() == name) is var mode && mode.Name() == name
            ? mode
            : throw new ArgumentException($"Unknown mode {name}: server-session, stateless-cookie or distributed-session.", nameof(name));
}

/// <summary>
/// The app's own session settings (section "Sessions", the names its README documents), read by the
/// comparison modes so they use the same cookie name, flags and lifetimes as the product.
/// </summary>
internal sealed class SessionSettings
{
    public string CookieName { get; set; } = "__Host-session";

    public bool SecureCookies { get; set; } = true;

    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(20);

    public TimeSpan AbsoluteTimeout { get; set; } = TimeSpan.FromHours(8);

    public static SessionSettings From(IConfiguration configuration) =>
        configuration.GetSection("Sessions").Get<SessionSettings>() ?? new SessionSettings();
}
