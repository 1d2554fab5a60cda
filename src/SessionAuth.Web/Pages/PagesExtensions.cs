using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Admin;
using SessionAuth.Web.Hosting;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Pages;

internal static class PagesExtensions
{
    public static WebApplicationBuilder AddSessionAuthPages(this WebApplicationBuilder builder)
    {
        // Protected by convention: every page needs a signed-in user unless it is named here.
        builder.Services.AddRazorPages(options => options.Conventions
            .AuthorizeFolder("/")
            .AllowAnonymousToPage(AppRoutes.Index)
            .AllowAnonymousToPage(AppRoutes.Error)
            .AllowAnonymousToPage(AppRoutes.Login)
            .AllowAnonymousToPage(AppRoutes.Register)
            .AllowAnonymousToPage(AppRoutes.Logout)
            // A passkey sign-in's challenge, asked for by the login page's script.
            .AllowAnonymousToPage(AppRoutes.PasskeyRequestOptions)
            // Reached from a mailed link or by someone who cannot sign in: the account flows by mail.
            .AllowAnonymousToPage(AppRoutes.ConfirmEmail)
            .AllowAnonymousToPage(AppRoutes.ResendConfirmation)
            .AllowAnonymousToPage(AppRoutes.ForgotPassword)
            .AllowAnonymousToPage(AppRoutes.ResetPassword)
            .AllowAnonymousToPage(AppRoutes.ConfirmEmailChange)
            // The second step comes before any session: its own server-side record says who it is for.
            .AllowAnonymousToPage(AppRoutes.LoginWith2fa)
            .AllowAnonymousToPage(AppRoutes.LoginWithRecoveryCode)
            // The demo signs in through the token API, not the cookie: anyone may open it.
            .AllowAnonymousToPage(AppRoutes.TokenDemo)
            // The operators' console: signed in and holding the operators' role; anyone else signed in gets a 403 page.
            .AuthorizeFolder(AppRoutes.AdminFolder, AdminExtensions.Policy)
            // A method a page has no handler for is 405, not a run of the page without its model.
            .ConfigureFilter(new AllowedMethodsFilter()));

        // The antiforgery cookie follows the session cookie's rules: __Host- and Secure unless
        // Sessions:SecureCookies is off for plain-HTTP local development.
        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.HttpOnly = true;
        });
        builder.Services.AddOptions<AntiforgeryOptions>().Configure<IOptions<ServerSessionOptions>>((options, sessions) =>
        {
            var secure = sessions.Value.SecureCookies;
            options.Cookie.Name = secure ? "__Host-antiforgery" : "antiforgery";
            options.Cookie.SecurePolicy = secure ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        });
        // Signed-in forms carry the session's own CSRF token; the anonymous ones keep the framework's.
        builder.Services.AddSessionAntiforgery();
        builder.Services.AddSingleton<AssetUrls>();
        builder.Services.AddScoped<DeviceList>();
        builder.Services.AddScoped<Account.TwoFactorChanges>();
        return builder;
    }
}
