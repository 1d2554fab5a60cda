using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Hosting;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// Per-client-address rate limits (the built-in rate limiter) and a body size cap on the forms that
/// take a password. Lockout protects one account from many guesses; this protects the site from one
/// client's many guesses across accounts (ASVS 2.2.1). Both attach to the pages as endpoint metadata
/// through a Razor Pages convention: routing has already normalised the path (trailing slash, dot
/// segments, percent-encoding, case) by the time the limiter and the body cap read the endpoint.
/// </summary>
internal static class AccountEndpointProtection
{
    public static IServiceCollection AddAccountEndpointProtection(this IServiceCollection services)
    {
        services.AddOptions<AccountEndpointOptions>().BindConfiguration(AccountEndpointOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        // Nothing in the app takes a larger body than a password form: that is the server-wide cap too.
        services.AddOptions<RequestBodyLimitOptions>().Configure<IOptions<AccountEndpointOptions>>(
            (limit, account) => limit.MaxRequestBytes = account.Value.MaxRequestBytes);

        // PostConfigure: AddRazorPages replaces the convention collection when it configures its options.
        services.AddOptions<RazorPagesOptions>().PostConfigure<IOptions<AccountEndpointOptions>>((pages, account) =>
        {
            var maxBytes = account.Value.MaxRequestBytes;
            foreach (var route in AppRoutes.LimitedForms)
            {
                pages.Conventions.AddPageApplicationModelConvention(route, page =>
                {
                    page.EndpointMetadata.Add(new EnableRateLimitingAttribute(AccountEndpointOptions.RateLimitPolicy));
                    page.EndpointMetadata.Add(new RateLimitBucket(route));
                    // Read by the routing middleware (server limit) and by RequestBodyLimit (refusal before reading).
                    page.EndpointMetadata.Add(new RequestSizeLimitAttribute(maxBytes));
                    page.EndpointMetadata.Add(new RequestFormLimitsAttribute
                    {
                        MultipartBodyLengthLimit = maxBytes,
                        ValueLengthLimit = (int)maxBytes,
                        // The forms have a handful of fields; thousands of keys are an attack on the parser.
                        ValueCountLimit = 100,
                    });
                });
            }
        });

        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<AccountEndpointOptions>>((limiter, account) =>
        {
            var settings = account.Value;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(AccountEndpointOptions.RateLimitPolicy, context =>
                // Only submissions are limited: reading the form costs no password check.
                HttpMethods.IsPost(context.Request.Method)
                    ? RateLimitPartition.GetFixedWindowLimiter(
                        // Each form counts on its own: signing in after registering is not a second strike. The
                        // token endpoint names the login form's bucket (RateLimitBucket): one budget for both.
                        $"{ClientKey(context.Connection.RemoteIpAddress)}|{context.GetEndpoint()?.Metadata.GetMetadata<RateLimitBucket>()?.Name ?? context.GetEndpoint()?.DisplayName}",
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

    /// <summary>
    /// Who counts as one client: an IPv4 address, or an IPv6 /64 (one subscriber's network: a host
    /// picks any of its 2^64 addresses at will, so counting per address would give it unlimited
    /// tries). Without an address (a Unix socket) every such client shares one bucket: limited, not free.
    /// </summary>
    internal static string ClientKey(IPAddress? address)
    {
        if (address is null)
        {
            return "no-address";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return $"{new IPAddress(bytes)}/64";
    }

    /// <summary>After routing (the limits are read from the endpoint) and before authentication, so a refused request costs no session lookup.</summary>
    public static WebApplication UseAccountEndpointProtection(this WebApplication app)
    {
        app.UseRateLimiter();
        app.UseRequestBodyLimit();
        return app;
    }
}
