using Microsoft.AspNetCore.Diagnostics;
using SessionAuth.Web.Hosting;

namespace SessionAuth.Web.Tokens;

/// <summary>
/// Gives every error of an API endpoint a problem details body (application/problem+json), whoever
/// set the status: the rate limiter (429), the body cap (413), the Bearer challenge (401), the
/// request delegate (400, 415), the HTTPS requirement (400), routing (405 via the group's fallbacks).
/// The API endpoints carry <see cref="SkipStatusCodePagesAttribute"/>, so the pages' HTML status-code
/// page never runs for them. Which requests are API requests is read from the endpoint, not the path.
/// </summary>
internal static class ApiProblemDetails
{
    public static IApplicationBuilder UseApiProblemDetails(this IApplicationBuilder app)
    {
        var problems = app.ApplicationServices.GetRequiredService<IProblemDetailsService>();
        // After routing, so the endpoint is known before the request runs: a page passes straight on and
        // carries no state machine of this middleware through its awaits.
        return app.Use((context, next) =>
            context.GetEndpoint()?.Metadata.GetMetadata<ApiEndpointMetadata>() is null
                ? next(context)
                : RunWithProblemDetailsAsync(context, next, problems));
    }

    private static async Task RunWithProblemDetailsAsync(HttpContext context, RequestDelegate next, IProblemDetailsService problems)
    {
        // An exception goes on to the host's failure policy (FailureExceptionHandler), which answers with problem details too.
        await next(context);

        var response = context.Response;
        if (response.StatusCode >= 400 && !response.HasStarted && response.ContentLength is null && string.IsNullOrEmpty(response.ContentType))
        {
            await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context });
        }
    }
}
