using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Pages;

namespace SessionAuth.Bench.Hosting;

/// <summary>
/// ASP.NET Core's cookie authentication in place of the product's handler, with its defaults: the
/// whole ticket (every claim) encrypted into the cookie, nothing on the server, so nothing to revoke.
/// Same cookie name and flags as the product's.
/// </summary>
internal static class StatelessCookieMode
{
    public const string StoreName = "cookie";

    public static void Configure(IServiceCollection services, string scheme)
    {
        // What AddCookie registers, for the scheme the app already has (see BenchApplication.ReplaceHandler).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<CookieAuthenticationOptions>, PostConfigureCookieAuthenticationOptions>());
        services.AddOptions<CookieAuthenticationOptions>(scheme).Configure<IConfiguration>((cookie, configuration) =>
        {
            var sessions = SessionSettings.From(configuration);
            cookie.Cookie.Name = sessions.CookieName;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = sessions.SecureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = sessions.IdleTimeout;
            cookie.SlidingExpiration = true;
            cookie.LoginPath = AppRoutes.Login;
            cookie.ReturnUrlParameter = "ReturnUrl";
            cookie.Events.OnValidatePrincipal = context =>
            {
                // The pages read the session's facts from ServerSessionFeature: here they come from the ticket.
                var claimTypes = context.HttpContext.RequestServices.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity;
                var record = UserRecords.FromPrincipal(
                    context.Principal!, claimTypes, context.HttpContext, context.Properties.IssuedUtc ?? DateTimeOffset.UtcNow, sessions.AbsoluteTimeout);
                UserRecords.SetFeature(context.HttpContext, record, StoreName);
                return Task.CompletedTask;
            };
        });
        BenchApplication.ReplaceHandler<CookieAuthenticationHandler>(services, scheme);
    }
}
