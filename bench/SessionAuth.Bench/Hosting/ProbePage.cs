using System.Text.Encodings.Web;

namespace SessionAuth.Bench.Hosting;

/// <summary>
/// The lean protected page the bench loads beside /Dashboard: the app's whole pipeline and
/// authorization, no layout or page rendering. It exists only in the bench's copies of the app.
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
    };
}
