using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Sessions;

/// <summary>Registers the server-session scheme the way ASP.NET Core registers its own (compare <c>AddCookie</c>).</summary>
public static class ServerSessionAuthenticationBuilderExtensions
{
    public static AuthenticationBuilder AddServerSession(this AuthenticationBuilder builder, Action<ServerSessionSchemeOptions>? configure = null) =>
        builder.AddServerSession(ServerSessionDefaults.Scheme, configure);

    /// <summary>
    /// Adds the scheme under <paramref name="authenticationScheme"/>. It needs an <see cref="ISessionStore"/>
    /// registered beside it (the app's AddServerSessions chooses Redis or the in-process store).
    /// </summary>
    public static AuthenticationBuilder AddServerSession(
        this AuthenticationBuilder builder, string authenticationScheme, Action<ServerSessionSchemeOptions>? configure = null)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<SessionCookieProtector>();
        // Keys for other purposes (the email fingerprint in logs) derive from the cookie key.
        builder.Services.TryAddSingleton<IKeyDerivation>(services => services.GetRequiredService<SessionCookieProtector>());
        builder.Services.AddOptions<ServerSessionSchemeOptions>(authenticationScheme).Validate(
            scheme => scheme.LoginPath.HasValue,
            $"{nameof(ServerSessionSchemeOptions)}.{nameof(ServerSessionSchemeOptions.LoginPath)} of scheme '{authenticationScheme}' must be set: the app's login page.");
        return builder.AddScheme<ServerSessionSchemeOptions, ServerSessionHandler>(authenticationScheme, configure);
    }
}
