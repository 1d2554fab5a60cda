using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace SessionAuth.Web.Hosting;

/// <summary>
/// Refuses a request body larger than its endpoint allows (<see cref="IRequestSizeLimitMetadata"/>,
/// else <see cref="RequestBodyLimitOptions.MaxRequestBytes"/>, which the accounts set from
/// <c>AccountEndpoints:MaxRequestBytes</c>: nothing in the app takes more than a password form)
/// with a 413 before any of it is parsed. The server's own limit surfaces inside the form reader, where
/// antiforgery turns it into a 400 and the test server does not apply it at all; this answers the
/// same on every server, and the 413 gets the friendly error page.
/// </summary>
internal static class RequestBodyLimit
{
    /// <summary>
    /// At the front of the pipeline: lowers the server's own limit (Kestrel's 30 MB default) for every
    /// request, so a body the app never reads (a request answered before routing, a 405) is not
    /// drained either. Set per request rather than in KestrelServerOptions because the server is
    /// created before the settings are validated. Routing then applies the endpoint's own limit.
    /// </summary>
    public static IApplicationBuilder UseServerBodyLimit(this IApplicationBuilder app)
    {
        var serverLimit = app.ApplicationServices.GetRequiredService<IOptions<RequestBodyLimitOptions>>().Value.MaxRequestBytes;
        return app.Use((context, next) =>
        {
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } server)
            {
                server.MaxRequestBodySize = serverLimit;
            }

            return next(context);
        });
    }

    /// <summary>After routing: the endpoint's limit is known.</summary>
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app)
    {
        var serverLimit = app.ApplicationServices.GetRequiredService<IOptions<RequestBodyLimitOptions>>().Value.MaxRequestBytes;
        return app.Use((context, next) =>
        {
            // The error page re-executes the refused request: let it render.
            if (context.Features.Get<IStatusCodeReExecuteFeature>() is not null
                || (context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is { } metadata
                    ? metadata.MaxRequestBodySize
                    : serverLimit) is not { } limit)
            {
                return next(context);
            }

            var request = context.Request;
            if (request.ContentLength is { } length)
            {
                // Refused from the headers alone: not a byte of the body is read.
                return length <= limit ? next(context) : Refuse(context);
            }

            var canHaveBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody
                ?? request.Headers.TransferEncoding.Count > 0;
            // A request without a body (every page view) passes straight on: no state machine of its own.
            return canHaveBody ? BufferThenContinueAsync(context, next, limit) : next(context);
        });
    }

    private static Task Refuse(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        return Task.CompletedTask;
    }

    private static async Task BufferThenContinueAsync(HttpContext context, RequestDelegate next, long limit)
    {
        if (!await BufferWithinAsync(context.Request, limit))
        {
            await Refuse(context);
            return;
        }

        await next(context);
    }

    /// <summary>
    /// A body of unknown length (chunked) is read up to the limit into memory and refused at the first
    /// byte past it: small, bounded, never read in full.
    /// </summary>
    private static async Task<bool> BufferWithinAsync(HttpRequest request, long limit)
    {
        var buffer = new MemoryStream();
        request.HttpContext.Response.RegisterForDispose(buffer);
        var chunk = new byte[8192];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return false;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // The server's own limit (set from the same metadata by routing) tripped first.
            return false;
        }
        catch (IOException)
        {
            // The client went away mid-body: nobody is left to answer, and it is no server error.
            request.HttpContext.Abort();
            return false;
        }

        buffer.Position = 0;
        request.Body = buffer;
        return true;
    }
}

/// <summary>
/// The largest request body any request may carry when its endpoint names no limit of its own. Not a
/// section of its own: the feature that takes the largest bodies (the password forms, see
/// <c>AccountEndpoints:MaxRequestBytes</c>) sets it.
/// </summary>
internal sealed class RequestBodyLimitOptions
{
    public long MaxRequestBytes { get; set; } = 64 * 1024;
}
