using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace SessionAuth.Web.Hosting;

/// <summary>
/// Per-client-address rate limits (the built-in rate limiter) and a body size cap on the account
/// forms. Lockout protects one account from many guesses; this protects the site from one client's
/// many guesses across accounts (ASVS 2.2.1).
/// </summary>
internal static class AccountEndpointProtection
{
    public static IServiceCollection AddAccountEndpointProtection(this IServiceCollection services)
    {
        services.AddOptions<AccountEndpointOptions>().BindConfiguration(AccountEndpointOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<AccountEndpointOptions>>((limiter, account) =>
        {
            var settings = account.Value;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                AccountEndpointOptions.IsAccountFormPost(context.Request)
                    ? RateLimitPartition.GetFixedWindowLimiter(
                        $"{context.Connection.RemoteIpAddress}|{context.Request.Path.Value?.ToUpperInvariant()}",
                        _ => new FixedWindowRateLimiterOptions
                        {
                            PermitLimit = settings.PermitLimit,
                            Window = settings.Window,
                            QueueLimit = 0,
                        })
                    : RateLimitPartition.GetNoLimiter(""));
            limiter.OnRejected = (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : settings.Window;
                context.HttpContext.Response.Headers.RetryAfter =
                    Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
        });
        return services;
    }

    public static WebApplication UseAccountEndpointProtection(this WebApplication app)
    {
        var maxBytes = app.Services.GetRequiredService<IOptions<AccountEndpointOptions>>().Value.MaxRequestBytes;
        app.Use(async (context, next) =>
        {
            if (AccountEndpointOptions.IsAccountFormPost(context.Request))
            {
                if (context.Request.ContentLength is { } length ? length > maxBytes : !await BufferWithinAsync(context.Request, maxBytes))
                {
                    // Refused from the headers alone (or at the first byte past the cap): never parsed.
                    context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                    return;
                }
            }

            await next(context);
        });
        app.UseRateLimiter();
        return app;
    }

    /// <summary>
    /// A body of unknown length (chunked) is read up to the cap into memory: small, bounded, and the
    /// same on every server, where a limit inside the form reader would surface as a 400 instead.
    /// </summary>
    private static async Task<bool> BufferWithinAsync(HttpRequest request, long maxBytes)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return false;
            }

            buffer.Write(chunk, 0, read);
        }

        buffer.Position = 0;
        request.Body = buffer;
        request.HttpContext.Response.RegisterForDispose(buffer);
        return true;
    }
}
