using System.ComponentModel.DataAnnotations;

namespace SessionAuth.Web.Sessions.Comparison;

/// <summary>How a request is authenticated: the product, or one of the designs the benchmark compares it with.</summary>
public enum AuthComparisonMode
{
    /// <summary>The product: a signed opaque id in the cookie, the session record in the store.</summary>
    ServerSession,

    /// <summary>ASP.NET Core's cookie authentication: the whole ticket in the cookie, no lookup at all.</summary>
    StatelessCookie,

    /// <summary>ASP.NET Core's Session middleware over RedisCache holding the same user data.</summary>
    DistributedSession,
}

/// <summary>
/// Benchmark-only settings (section "Benchmark"). Unset, the app is the product exactly as shipped.
/// Set (to any mode, ServerSession included), it also maps the benchmark's probe page.
/// </summary>
public sealed class AuthComparisonOptions
{
    public const string SectionName = "Benchmark";

    [EnumDataType(typeof(AuthComparisonMode), ErrorMessage = "Benchmark:AuthMode must be ServerSession, StatelessCookie or DistributedSession.")]
    public AuthComparisonMode? AuthMode { get; set; }

    /// <summary>The scheme that signs in and authenticates: the server session unless a comparison mode is chosen.</summary>
    public AuthComparisonMode EffectiveMode => AuthMode ?? AuthComparisonMode.ServerSession;
}
