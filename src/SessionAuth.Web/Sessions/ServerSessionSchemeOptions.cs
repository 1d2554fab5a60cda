using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace SessionAuth.Web.Sessions;

/// <summary>
/// The options of one server-session authentication scheme (<see cref="ServerSessionHandler"/>),
/// configured through <see cref="ServerSessionAuthenticationBuilderExtensions.AddServerSession(AuthenticationBuilder, Action{ServerSessionSchemeOptions}?)"/>.
/// The app fills them from its validated "Sessions" settings (<see cref="ServerSessionOptions"/>);
/// the idle timeout is not here because the session store enforces it, not the handler.
/// </summary>
public sealed class ServerSessionSchemeOptions : AuthenticationSchemeOptions
{
    /// <summary>Name of the cookie that carries the signed session id.</summary>
    public string CookieName { get; set; } = ServerSessionDefaults.CookieName;

    /// <summary>Mark the cookie Secure (HTTPS only). Required for a <c>__Host-</c> name.</summary>
    public bool SecureCookies { get; set; } = true;

    /// <summary>A session ends this long after sign-in, however busy it is.</summary>
    public TimeSpan AbsoluteTimeout { get; set; } = ServerSessionDefaults.AbsoluteTimeout;

    /// <summary>The absolute timeout of a persistent ("Keep me signed in") session; its cookie expires then.</summary>
    public TimeSpan PersistentAbsoluteTimeout { get; set; } = ServerSessionDefaults.PersistentAbsoluteTimeout;

    /// <summary>Where a challenge sends a person who is not signed in. Required: the app's login page.</summary>
    public PathString LoginPath { get; set; }

    /// <summary>The query parameter that carries the page to return to after sign-in.</summary>
    public string ReturnUrlParameter { get; set; } = CookieAuthenticationDefaults.ReturnUrlParameter;

    /// <summary>How long a session goes between checks against the accounts database.</summary>
    public TimeSpan ValidationInterval { get; set; } = ServerSessionDefaults.ValidationInterval;

    /// <summary>Most bytes (keys' UTF-8 plus values) of one session's <c>HttpContext.Session</c> data.</summary>
    public int MaxDataBytes { get; set; } = ServerSessionDefaults.MaxDataBytes;

    /// <summary>Callbacks for what the scheme ends on its own (an activity log subscribes here).</summary>
    public new ServerSessionEvents Events
    {
        get => (ServerSessionEvents)base.Events!;
        set => base.Events = value;
    }

    public ServerSessionSchemeOptions() => base.Events = new ServerSessionEvents();

    public override void Validate()
    {
        base.Validate();
        if (string.IsNullOrEmpty(CookieName) || string.IsNullOrEmpty(ReturnUrlParameter))
        {
            throw new InvalidOperationException(
                $"{nameof(ServerSessionSchemeOptions)}.{nameof(CookieName)} and {nameof(ReturnUrlParameter)} must not be empty.");
        }

        if (AbsoluteTimeout <= TimeSpan.Zero || PersistentAbsoluteTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException(
                $"{nameof(ServerSessionSchemeOptions)}.{nameof(AbsoluteTimeout)} and {nameof(PersistentAbsoluteTimeout)} must be positive.");
        }
    }
}
