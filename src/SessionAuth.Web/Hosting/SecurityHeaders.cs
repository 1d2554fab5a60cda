namespace SessionAuth.Web.Hosting;

/// <summary>
/// Response headers on every response (ASVS 14.4): a strict CSP with no inline script, no sniffing,
/// no referrer, no framing; no-store on every response to a signed-in user (ASVS 8.2.1), so the back
/// button after sign-out shows nothing private; and Retry-After on every 503, whoever sent it (the
/// session handler, a page, the error page), as the failure policy decides (<see cref="FailurePolicy"/>).
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
        // Not async: it only sets headers and passes on, so it adds no state machine to the request.
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            // One callback per request, with the context as its state: no closure to allocate.
            context.Response.OnStarting(static state =>
            {
                var context = (HttpContext)state;
                var response = context.Response;
                if (context.User.Identity?.IsAuthenticated == true)
                {
                    response.Headers.CacheControl = "no-store, no-cache, max-age=0";
                    response.Headers.Pragma = "no-cache";
                }

                FailurePolicy.AddRetryAfter(response);

                return Task.CompletedTask;
            }, context);
            return next(context);
        });
        return app;
    }
}
