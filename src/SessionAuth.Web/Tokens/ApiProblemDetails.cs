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
        return app.Use(async (context, next) =>
        {
            // An exception goes on to the host's failure policy (FailureExceptionHandler), which answers with problem details too.
            await next(context);

            var response = context.Response;
            // The status first: a page's 200 never looks at the endpoint's metadata.
            if (response.StatusCode >= 400 && !response.HasStarted && response.ContentLength is null && string.IsNullOrEmpty(response.ContentType)
                && context.GetEndpoint()?.Metadata.GetMetadata<ApiEndpointMetadata>() is not null)
            {
                await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context });
            }
        });
    }
}
