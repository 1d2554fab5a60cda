using System.Net.Mime;
using Microsoft.Net.Http.Headers;

namespace SessionAuth.Web.Tokens;

/// <summary>
/// The API's bodies are JSON in UTF-8 (RFC 8259 8.1): <c>application/json</c> with no charset or
/// <c>charset=utf-8</c> (any case, quoted or not). Anything else is a 415 problem before the body is
/// read: the framework's JSON reader would otherwise look the charset up as a .NET encoding and throw
/// (a 500) for a quoted, unknown or unsupported one. An accepted type reaches the reader as plain
/// <c>application/json</c>.
/// </summary>
internal static class JsonRequestBody
{
    public const string UnsupportedDetail =
        "Send the body as JSON in UTF-8: Content-Type: application/json, with no charset or charset=utf-8.";

    /// <summary>
    /// Wraps the endpoint's request delegate (which binds the body) in the check: it belongs to the
    /// endpoint, so every path that routes here gets it, and it runs after the rate limiter and
    /// authorization like the handler itself.
    /// </summary>
    public static TBuilder RequireUtf8Json<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            var next = endpoint.RequestDelegate
                ?? throw new InvalidOperationException($"{endpoint.DisplayName} has no request delegate to guard.");
            endpoint.RequestDelegate = context =>
            {
                if (!IsUtf8Json(context.Request.ContentType))
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, detail: UnsupportedDetail).ExecuteAsync(context);
                }

                // Said in a way the framework's reader takes as it is (it cannot read charset="utf-8").
                context.Request.ContentType = MediaTypeNames.Application.Json;
                return next(context);
            };
        });
        return builder;
    }

    public static bool IsUtf8Json(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var charsets = mediaType.Parameters.Where(p => p.Name.Equals("charset", StringComparison.OrdinalIgnoreCase)).ToList();
        return charsets.Count switch
        {
            0 => true,
            1 => HeaderUtilities.RemoveQuotes(charsets[0].Value).Equals("utf-8", StringComparison.OrdinalIgnoreCase),
            _ => false, // two charsets: which one the reader takes is not ours to guess
        };
    }
}
