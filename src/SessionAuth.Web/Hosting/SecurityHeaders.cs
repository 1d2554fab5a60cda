namespace SessionAuth.Web.Hosting;

/// <summary>
/// Response headers on every response (ASVS 14.4): a strict CSP with no inline script, no sniffing,
/// no referrer, no framing; and no-store on every response to a signed-in user (ASVS 8.2.1), so
/// the back button after sign-out shows nothing private.
/// </summary>
internal static class SecurityHeaders
{
    // Bootstrap draws a few icons with data: SVG images; nothing else is allowed from anywhere else.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static WebApplicationBuilder AddSecurityHeaders(this WebApplicationBuilder builder)
    {
        builder.Services.AddHsts(options =>
        {
            options.MaxAge = TimeSpan.FromDays(365);
            options.IncludeSubDomains = true;
            // The framework skips localhost; outside Development we want the header wherever HTTPS is.
            options.ExcludedHosts.Clear();
        });
        return builder;
    }

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            context.Response.OnStarting(() =>
            {
                if (context.User.Identity?.IsAuthenticated == true)
                {
                    context.Response.Headers.CacheControl = "no-store, no-cache, max-age=0";
                    context.Response.Headers.Pragma = "no-cache";
                }

                return Task.CompletedTask;
            });
            await next(context);
        });
        return app;
    }
}
