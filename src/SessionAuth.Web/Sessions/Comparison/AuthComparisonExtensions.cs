using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;

namespace SessionAuth.Web.Sessions.Comparison;

/// <summary>
/// Why this exists: the product promises that a server-side session costs almost nothing over a
/// stateless cookie and clearly less than the stock alternative. The benchmark (bench/SessionAuth.Bench)
/// proves it by running this same app, login form and probe page in each design, chosen by one
/// setting, Benchmark:AuthMode. Unset, none of this is active and the app is the product as shipped.
/// </summary>
internal static class AuthComparisonExtensions
{
    /// <summary>The lean protected page the benchmark loads in every mode: the same auth path, no layout.</summary>
    public const string ProbePath = "/bench/me";

    public static WebApplicationBuilder AddAuthComparison(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthComparisonOptions>().BindConfiguration(AuthComparisonOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();

        // The services differ by mode, so the mode is read now; ValidateOnStart reports an unknown value.
        var mode = (builder.Configuration.GetSection(AuthComparisonOptions.SectionName).Get<AuthComparisonOptions>()
            ?? new AuthComparisonOptions()).EffectiveMode;
        switch (mode)
        {
            case AuthComparisonMode.StatelessCookie:
                AddStatelessCookie(builder.Services);
                break;
            case AuthComparisonMode.DistributedSession:
                AddDistributedSession(builder);
                break;
        }

        return builder;
    }

    /// <summary>Before authentication: the Session middleware (DistributedSession mode) and the probe page.</summary>
    public static WebApplication UseAuthComparison(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<AuthComparisonOptions>>().Value;
        if (options.AuthMode is not { } mode)
        {
            return app;
        }

        app.Logger.LogWarning("Benchmark:AuthMode is {AuthMode}: this instance is set up for the benchmark, with its probe page {ProbePath}.", mode, ProbePath);
        if (mode == AuthComparisonMode.DistributedSession)
        {
            app.UseSession();
        }

        app.MapGet(ProbePath, (HttpContext context) => Results.Content(
                $"<!DOCTYPE html><html lang=\"en\"><title>Signed in</title><p>Signed in as {HtmlEncoder.Default.Encode(context.User.Identity?.Name ?? "")}</p></html>",
                "text/html; charset=utf-8"))
            .RequireAuthorization();
        return app;
    }

    // ASP.NET Core's own cookie authentication as the default scheme, with its defaults: the whole
    // ticket (every claim) encrypted into the cookie. Same cookie name and flags as the product's.
    private static void AddStatelessCookie(IServiceCollection services)
    {
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<ServerSessionOptions>>((cookie, sessions) =>
            {
                cookie.Cookie.Name = sessions.Value.CookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = sessions.Value.SecureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = sessions.Value.IdleTimeout;
                cookie.SlidingExpiration = true;
                cookie.LoginPath = "/Account/Login";
                cookie.ReturnUrlParameter = "ReturnUrl";
            });
    }

    // ASP.NET Core's Session middleware over RedisCache, configured the way its docs show.
    private static void AddDistributedSession(WebApplicationBuilder builder)
    {
        var redis = builder.Configuration.GetConnectionString(SessionsExtensions.RedisConnectionStringName);
        if (string.IsNullOrWhiteSpace(redis))
        {
            throw new InvalidOperationException(
                "Benchmark:AuthMode is DistributedSession, which keeps sessions in Redis: set ConnectionStrings:Redis.");
        }

        var services = builder.Services;
        services.AddStackExchangeRedisCache(cache => cache.Configuration = redis);
        services.AddOptions<RedisCacheOptions>().Configure<IOptions<ServerSessionOptions>>((cache, sessions) =>
            cache.InstanceName = $"{sessions.Value.KeyPrefix}:aspnet-session:");
        services.AddSession();
        services.AddOptions<SessionOptions>().Configure<IOptions<ServerSessionOptions>>((session, sessions) =>
        {
            session.Cookie.Name = sessions.Value.CookieName;
            session.Cookie.HttpOnly = true;
            session.Cookie.SameSite = SameSiteMode.Lax;
            session.Cookie.IsEssential = true;
            session.Cookie.SecurePolicy = sessions.Value.SecureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            session.IdleTimeout = sessions.Value.IdleTimeout;
        });
        services.AddAuthentication(DistributedSessionHandler.SchemeName)
            .AddScheme<ServerSessionSchemeOptions, DistributedSessionHandler>(DistributedSessionHandler.SchemeName, null);
    }
}
