using System.Net;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Sessions;
using StackExchange.Redis;

namespace SessionAuth.Web.Hosting;

internal static class HostingExtensions
{
    public static WebApplicationBuilder AddHosting(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<HostingOptions>().BindConfiguration(HostingOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHealthChecks();
        builder.Services.AddAccountEndpointProtection();
        builder.AddSecurityHeaders();

        // Behind a TLS-terminating proxy the app must see the original scheme (Secure cookies,
        // antiforgery, HSTS) and client address (session records). Only the listed proxies are trusted.
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<HostingOptions>>((forwarded, hosting) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in hosting.Value.TrustedProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }
        });
        return builder;
    }

    /// <summary>
    /// The front of the pipeline: forwarded headers, friendly error pages with the right status (the
    /// store being away is a 503, not a 500), security headers, and the account forms' limits.
    /// </summary>
    public static WebApplication UseHostingPipeline(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandlingPath = "/Error",
            StatusCodeSelector = exception => exception switch
            {
                SessionStoreUnavailableException or RedisException or RedisTimeoutException => StatusCodes.Status503ServiceUnavailable,
                BadHttpRequestException bad => bad.StatusCode,
                _ => StatusCodes.Status500InternalServerError,
            },
        });
        app.UseStatusCodePagesWithReExecute("/Error", "?code={0}");
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.UseSecurityHeaders();
        app.UseAccountEndpointProtection();
        return app;
    }

    public static WebApplication MapHealth(this WebApplication app)
    {
        // Liveness never touches dependencies; readiness asks Redis and the database.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        return app;
    }
}
