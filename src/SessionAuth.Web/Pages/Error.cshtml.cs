using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SessionAuth.Web.Hosting;

namespace SessionAuth.Web.Pages;

/// <summary>
/// One friendly page for every error status. Reached by re-execution (exception handler and
/// status-code pages) with the failed request's method, so it describes the error whatever the method
/// (not in a handler) and never shows exception details. The reference it shows is the trace id that
/// the log lines of the same request carry in their scope.
/// </summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public int Status { get; private set; }

    public string Heading { get; private set; } = "";

    public string Explanation { get; private set; } = "";

    public string? RequestId { get; private set; }

    public void OnGet()
    {
    }

    public void OnPost()
    {
    }

    /// <summary>
    /// An OPTIONS request that failed (404, or plain http refused) is re-executed here as OPTIONS:
    /// without a handler of its own, Razor Pages would answer it with an empty 200 and lose the error.
    /// </summary>
    public void OnOptions()
    {
    }

    // Not a handler for an HTTP method called "PAGE": the hook that describes the error for every method.
    [NonHandler]
    public override void OnPageHandlerExecuting(PageHandlerExecutingContext context) => Describe();

    private void Describe()
    {
        // Re-executed requests (status-code pages, the exception handler) arrive with their error status
        // already set. A direct visit to /Error, whatever its query string, is not an error of the
        // server: there is no page to show, so it is a 404, never a made-up 500 or 503.
        Status = Response.StatusCode is >= 400 ? Response.StatusCode : StatusCodes.Status404NotFound;
        Response.StatusCode = Status;
        // What failed was decided once, by the host's failure policy: from the exception, else from the status.
        var failure = HttpContext.Features.Get<Failure>() ?? FailurePolicy.ForStatus(Status);
        RequestId = Activity.Current?.TraceId.ToString() ?? HttpContext.TraceIdentifier;
        (Heading, Explanation) = Status switch
        {
            400 when HttpsRequirement.WasRefused(HttpContext) => ("This site needs a secure connection",
                "It accepts forms only over HTTPS, where nobody on the way can read or change them. "
                + "Open this site's https:// address and try again."),
            400 => ("The request could not be accepted",
                "The form was incomplete, out of date, or held characters it cannot accept (such as NUL). Go back, reload the page and try again."),
            403 => ("Access denied", "Your account cannot open this page."),
            404 => ("Page not found", "There is no page at this address."),
            405 => ("Not allowed", "This address does not accept that kind of request."),
            413 => ("Too much data", "The request was larger than this page accepts."),
            429 => ("Too many attempts", "Please wait a little before you try again."),
            503 when failure?.Kind == FailureKind.HashingBusy => ("Too many sign-ins at once",
                "The server is checking many passwords right now and yours did not get its turn in time. "
                + "Nothing was changed: try again in a few seconds."),
            503 when failure?.Kind == FailureKind.AccountsUnavailable => ("Sign-in is temporarily unavailable",
                "The accounts database cannot be reached right now, so nobody can be signed in. "
                + "Nothing was changed: try again in a few seconds."),
            503 => ("Sign-in is temporarily unavailable",
                "We cannot reach the session store right now, so nobody can be signed in. "
                + "Nothing is lost: try again in a few seconds."),
            _ => ("Something went wrong", "The server could not complete the request. Please try again."),
        };
        if (failure?.Kind == FailureKind.StoreUnavailable && FailedEndpoint()?.Metadata.GetMetadata<StoreOutageMessageAttribute>() is { } outage)
        {
            (Heading, Explanation) = (outage.Heading, outage.Explanation);
        }
    }

    private Endpoint? FailedEndpoint() =>
        HttpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint
        ?? HttpContext.Features.Get<IStatusCodeReExecuteFeature>()?.Endpoint;
}
