using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Pages;

namespace SessionAuth.Bench.Hosting;

/// <summary>
/// What most ASP.NET Core apps would write to keep the user on the server: the Session middleware
/// over RedisCache, configured as its docs show, and a small handler that keeps the user's record in
/// <c>HttpContext.Session</c> and reads it back on every request.
/// </summary>
internal static class DistributedSessionMode
{
    /// <summary>RedisCache's key prefix: the bench finds this mode's keys by it.</summary>
    public const string KeyPrefix = "bench-aspnet-session:";

    public const string StoreName = "redis";

    public static void Configure(IServiceCollection services, string scheme)
    {
        services.AddStackExchangeRedisCache(_ => { });
        services.AddOptions<RedisCacheOptions>().Configure<IConfiguration>((cache, configuration) =>
        {
            cache.Configuration = configuration.GetConnectionString("Redis") is { Length: > 0 } redis
                ? redis
                : throw new InvalidOperationException("The distributed-session mode keeps sessions in Redis: set ConnectionStrings:Redis.");
            cache.InstanceName = KeyPrefix;
        });
        services.AddSession();
        services.AddOptions<SessionOptions>().Configure<IConfiguration>((session, configuration) =>
        {
            var sessions = SessionSettings.From(configuration);
            session.Cookie.Name = sessions.CookieName;
            session.Cookie.HttpOnly = true;
            session.Cookie.SameSite = SameSiteMode.Lax;
            session.Cookie.IsEssential = true;
            session.Cookie.SecurePolicy = sessions.SecureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            session.IdleTimeout = sessions.IdleTimeout;
        });
        services.AddOptions<DistributedSessionSchemeOptions>(scheme).Configure<IConfiguration>((options, configuration) =>
            options.AbsoluteTimeout = SessionSettings.From(configuration).AbsoluteTimeout);
        // Session must be loaded before authentication runs: first in the pipeline.
        services.AddTransient<IStartupFilter, UseSessionFirst>();
        BenchApplication.ReplaceHandler<DistributedSessionHandler>(services, scheme);
    }

    private sealed class UseSessionFirst : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseSession();
            next(app);
        };
    }
}

internal sealed class DistributedSessionSchemeOptions : AuthenticationSchemeOptions
{
    public TimeSpan AbsoluteTimeout { get; set; } = TimeSpan.FromHours(8);
}

internal sealed class DistributedSessionHandler(
    IOptionsMonitor<DistributedSessionSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptions<IdentityOptions> identityOptions)
    : SignInAuthenticationHandler<DistributedSessionSchemeOptions>(options, loggerFactory, encoder)
{
    private const string UserKey = "SessionAuth.User";

    private readonly ClaimsIdentityOptions _claimTypes = identityOptions.Value.ClaimsIdentity;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // LoadAsync as the docs advise; without it the first read would block on Redis.
        await Context.Session.LoadAsync(Context.RequestAborted);
        var json = Context.Session.GetString(UserKey);
        if (json is null)
        {
            return AuthenticateResult.NoResult();
        }

        var record = UserRecords.Deserialize(json);
        if (record is null || record.AbsoluteExpiresAt <= DateTimeOffset.UtcNow)
        {
            Context.Session.Remove(UserKey);
            return AuthenticateResult.NoResult();
        }

        UserRecords.SetFeature(Context, record, DistributedSessionMode.StoreName);
        return AuthenticateResult.Success(new AuthenticationTicket(UserRecords.ToPrincipal(record, _claimTypes, Scheme.Name), Scheme.Name));
    }

    protected override Task HandleSignInAsync(ClaimsPrincipal user, AuthenticationProperties? properties)
    {
        var record = UserRecords.FromPrincipal(user, _claimTypes, Context, DateTimeOffset.UtcNow, Options.AbsoluteTimeout);
        Context.Session.SetString(UserKey, UserRecords.Serialize(record));
        return Task.CompletedTask;
    }

    protected override Task HandleSignOutAsync(AuthenticationProperties? properties)
    {
        Context.Session.Clear();
        return Task.CompletedTask;
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var returnUrl = properties.RedirectUri ?? OriginalPathBase + OriginalPath + Request.QueryString;
        Response.Redirect(OriginalPathBase + AppRoutes.Login + QueryString.Create("ReturnUrl", returnUrl));
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }
}
