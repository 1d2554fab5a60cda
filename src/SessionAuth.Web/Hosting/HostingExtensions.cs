using System.Globalization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Hosting;

internal static class HostingExtensions
{
    public const string RequestLineCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static WebApplicationBuilder AddHosting(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<HostingOptions>().BindConfiguration(HostingOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHealthChecks();
        // The host's "Request starting" and "Request finished" lines print each URL with its query string, where a
        // mailed link carries its code (a password reset, a confirmation): they never reach a log. Added after the
        // configuration's rules, so this one wins over a Logging:LogLevel entry for the same category.
        builder.Logging.AddFilter(RequestLineCategory, level => level >= LogLevel.Warning);
        // SIGTERM: Kestrel stops listening at once, and requests under way get this long to finish.
        // Read from configuration, not IOptions<HostingOptions>: the host resolves HostOptions while it
        // is built, and a bad Hosting setting must be reported with every other one (ValidateSettings).
        builder.Services.AddOptions<HostOptions>().Configure<IConfiguration>((host, configuration) =>
        {
            if (TimeSpan.TryParse(configuration[HostingOptions.ShutdownTimeoutKey], CultureInfo.InvariantCulture, out var timeout)
                && timeout > TimeSpan.Zero)
            {
                host.ShutdownTimeout = timeout;
            }
            else
            {
                host.ShutdownTimeout = HostingOptions.DefaultShutdownTimeout;
            }
        });
        builder.AddTelemetry();
        builder.AddSecurityHeaders();
        builder.Services.AddExceptionHandler<FailureExceptionHandler>();
        builder.Services.AddProblemDetails();

        // No product banner for scanners.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

        // Behind a TLS-terminating proxy the app must see the original scheme (Secure cookies,
        // antiforgery, HSTS) and client address (session records). Only the listed proxies are trusted.
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<HostingOptions>>((forwarded, hosting) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in hosting.Value.TrustedProxyAddresses)
            {
                forwarded.KnownProxies.Add(proxy);
            }

            foreach (var network in hosting.Value.TrustedProxyNetworks)
            {
                forwarded.KnownIPNetworks.Add(network);
            }
        });
        return builder;
    }

    /// <summary>
    /// The front of the pipeline: forwarded headers, friendly error pages with the right status (the
    /// store being away is a 503, not a 500), and security headers.
    /// </summary>
    public static WebApplication UseHostingPipeline(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseServerBodyLimit();
        // One failure policy for pages and API (FailurePolicy): the decided status, problem details for
        // the API, the error page for the rest; expected failures are warnings, not unhandled exceptions.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandlingPath = AppRoutes.Error,
            StatusCodeSelector = exception => FailurePolicy.Decide(exception).Status,
            SuppressDiagnosticsCallback = FailureExceptionHandler.SuppressDiagnostics,
        });
        app.UseStatusCodePagesWithReExecute(AppRoutes.Error);
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.UseSecurityHeaders();
        return app;
    }

    public static WebApplication MapHealth(this WebApplication app)
    {
        // Liveness never touches dependencies; readiness asks Redis and the database. Probes come
        // over plain http from the orchestrator, so these answer there too, and only to reads
        // (any other method is a 405 from routing).
        var probeMethods = new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]);
        // The body is JSON: the overall status; each check's status and duration for local requests only (HealthResponse).
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponse.WriteAsync })
            .WithMetadata(new PlainHttpAllowed(), probeMethods);
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = HealthResponse.WriteAsync })
            .WithMetadata(new PlainHttpAllowed(), probeMethods);
        return app;
    }
}
