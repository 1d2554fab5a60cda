using Microsoft.AspNetCore.Diagnostics;
using SessionAuth.Web.Sessions;
using StackExchange.Redis;

namespace SessionAuth.Web.Tokens;

/// <summary>Endpoint metadata of every /api endpoint: its errors are RFC 9457 problem details, not the HTML error page.</summary>
public sealed class ApiEndpointMetadata;

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
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiProblemDetails));
        return app.Use(async (context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<ApiEndpointMetadata>() is null)
            {
                await next(context);
                return;
            }

            try
            {
                await next(context);
            }
            catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
            {
                // Unreadable JSON, a body over the limit: the client's mistake, said as such.
                Reset(context, ex.StatusCode);
            }
            catch (Accounts.PasswordHashingBusyException) when (!context.Response.HasStarted)
            {
                // Every hashing slot stayed taken: nothing was decided, come back in a moment (Retry-After).
                Reset(context, StatusCodes.Status503ServiceUnavailable);
            }
            catch (Exception ex) when (ex is SessionStoreUnavailableException or RedisException or RedisTimeoutException && !context.Response.HasStarted)
            {
                // Fail closed: the grant store is away, nothing is issued or accepted; the host adds Retry-After.
                Reset(context, StatusCodes.Status503ServiceUnavailable);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !context.Response.HasStarted)
            {
                TokensLog.ApiRequestFailed(logger, ex);
                Reset(context, StatusCodes.Status500InternalServerError);
            }

            var response = context.Response;
            if (response.StatusCode >= 400 && !response.HasStarted && response.ContentLength is null && string.IsNullOrEmpty(response.ContentType))
            {
                await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context });
            }
        });
    }

    private static void Reset(HttpContext context, int status)
    {
        var retryAfter = context.Response.Headers.RetryAfter;
        var challenge = context.Response.Headers.WWWAuthenticate;
        context.Response.Clear();
        context.Response.Headers.RetryAfter = retryAfter;
        context.Response.Headers.WWWAuthenticate = challenge;
        context.Response.StatusCode = status;
    }
}
