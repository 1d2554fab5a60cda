using System.Text.Encodings.Web;

namespace SessionAuth.Bench.Hosting;

/// <summary>
/// The lean protected page the bench loads beside /Dashboard: the app's whole pipeline and
/// authorization, no layout or page rendering; and beside it the page that writes one session key per
/// request. They exist only in the bench's copies of the app.
/// </summary>
internal sealed class ProbePage : IStartupFilter
{
    public const string Path = "/bench/me";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        next(app);
        // After the app's own pipeline: this maps into the app's routing (the one its UseRouting
        // and UseAuthorization see), so the probe is an endpoint like any page of the app.
        app.UseEndpoints(endpoints => endpoints.MapGet(Path, (HttpContext context) => Results.Content(
                $"<!DOCTYPE html><html lang=\"en\"><title>Signed in</title><p>Signed in as {HtmlEncoder.Default.Encode(context.User.Identity?.Name ?? "")}</p></html>",
                "text/html; charset=utf-8"))
            .RequireAuthorization());
        // A page that changes one HttpContext.Session key per request (a new value each time, so every
        // request really writes): what a write costs, one merge script after the GETEX.
        app.UseEndpoints(endpoints => endpoints.MapGet(WritePath, (HttpContext context) =>
            {
                context.Session.SetString(WriteKey, Interlocked.Increment(ref _writes).ToString(System.Globalization.CultureInfo.InvariantCulture));
                return Results.Content("<!DOCTYPE html><html lang=\"en\"><title>Written</title><p>Written</p></html>", "text/html; charset=utf-8");
            })
            .RequireAuthorization());
    };

    public const string WritePath = "/bench/write";

    public const string WriteKey = "bench.counter";

    private static long _writes;
}
