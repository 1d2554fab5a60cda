using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Extensions;

namespace SessionAuth.Web.Hosting;

/// <summary>
/// Outside Development, with Secure cookies, a request that reaches the app over plain http (after
/// forwarded headers) would fail where the Secure antiforgery cookie is issued. It is answered up front
/// instead: GET and HEAD are sent to the https address with 308, anything else is a 400 page saying why.
/// Cookies that came in the clear are not read at all. Endpoints marked with
/// <see cref="PlainHttpAllowed"/> (health probes, which orchestrators send over http) are exempt.
/// </summary>
internal static class HttpsRequirement
{
    private static readonly object RefusedKey = new();

    /// <summary>True when this request was refused for coming over plain http (read by the error page).</summary>
    public static bool WasRefused(HttpContext context) => context.Items.ContainsKey(RefusedKey);

    /// <summary>
    /// After routing: exemptions are endpoint metadata. <paramref name="secureCookies"/> is whether the
    /// app issues Secure cookies (Sessions:SecureCookies); without them plain http works and is let through.
    /// </summary>
    public static WebApplication UseHttpsRequirement(this WebApplication app, bool secureCookies)
    {
        if (app.Environment.IsDevelopment() || !secureCookies)
        {
            return app;
        }

        // The same setting HTTPS redirection reads (ASPNETCORE_HTTPS_PORT); unset means 443.
        var httpsPort = app.Configuration.GetValue<int?>("HTTPS_PORT");
        app.Use((context, next) =>
        {
            var request = context.Request;
            if (request.IsHttps
                || context.Features.Get<IStatusCodeReExecuteFeature>() is not null
                || context.Features.Get<IExceptionHandlerFeature>() is not null
                || context.GetEndpoint()?.Metadata.GetMetadata<PlainHttpAllowed>() is not null)
            {
                return next(context);
            }

            request.Headers.Cookie = default;
            // Without a Host (HTTP/1.0) there is no address to send anybody to: refused like a form.
            if ((HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && request.Host.HasValue)
            {
                // Not kept by caches: the target is built from this request's Host (AllowedHosts filters it).
                context.Response.Headers.CacheControl = "no-store";
                var host = httpsPort is null or 443 ? new HostString(request.Host.Host) : new HostString(request.Host.Host, httpsPort.Value);
                context.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
                context.Response.Headers.Location = UriHelper.BuildAbsolute("https", host, request.PathBase, request.Path, request.QueryString);
                return Task.CompletedTask;
            }

            context.Items[RefusedKey] = true;
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return Task.CompletedTask;
        });
        return app;
    }
}
