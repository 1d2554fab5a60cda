using System.Net;
using SessionAuth.Bench.Hosting;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Bench;

/// <summary>
/// What HttpContext.Session costs on the product: /Dashboard for sessions that hold data (a theme and a
/// time zone saved through the preferences page, which every signed-in page reads) beside the same page
/// without, and a page that changes one key per request. Round trips are counted with MONITOR, which
/// leaves out what the merge script runs inside itself.
/// </summary>
internal sealed partial class BenchRun
{
    public const string DataKey = "server-data";
    public const string DataWriteKey = "server-data:write";

    /// <summary>Every user signs in once more on the server-session app and saves both preferences: that slot's sessions hold data.</summary>
    private async Task<Slot> StartSessionDataSlotAsync(AppProcess server, RedisProcess redis, List<string> emails, CancellationToken cancellationToken)
    {
        var cookies = new string[emails.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, emails.Count), Parallelism(4, cancellationToken), async (i, ct) =>
        {
            var browser = NewBrowser(server);
            await browser.SignInAsync(emails[i], _password, ct);
            await browser.SetPreferencesAsync("dark", "Europe/Paris", ct);
            cookies[i] = browser.AuthCookieHeader;
        });
        var file = Path.Combine(_work, $"cookies-{DataKey}.txt");
        await File.WriteAllLinesAsync(file, cookies, cancellationToken);
        var slot = new Slot(DataKey, "Server session, HttpContext.Session holding a theme and a time zone", server, redis, file);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseUrl + AppRoutes.Dashboard));
        request.Headers.TryAddWithoutValidation("Cookie", cookies[0]);
        using var response = await _http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK || !body.Contains("data-bs-theme=\"dark\"", StringComparison.Ordinal) || !body.Contains("Europe/Paris", StringComparison.Ordinal))
        {
            throw new BenchException($"{server.Name}: {AppRoutes.Dashboard} with saved preferences answered {(int)response.StatusCode} without the dark theme and the zone.");
        }

        return slot;
    }

    /// <summary>/Dashboard of the sessions with data, and the page that writes one key per request (on the same sessions).</summary>
    private static IEnumerable<Target> SessionDataTargets(Slot data) =>
        [new(DataKey + DashboardSuffix, data, AppRoutes.Dashboard), new(DataWriteKey, data, ProbePage.WritePath)];

    /// <summary>Round trips per request of each target, as MONITOR sees them.</summary>
    private async Task CountRoundTripsAsync(BenchReport report, IEnumerable<Target> targets, CancellationToken cancellationToken)
    {
        foreach (var target in targets)
        {
            await using var monitor = await RedisMonitor.StartAsync(target.Slot.Redis, cancellationToken);
            await monitor.SettledAsync(cancellationToken);
            monitor.Reset();
            var requests = profile.CountedRequests;
            await CommandCounter.SendAsync(_http, target.Slot.App, target.Path, File.ReadAllLines(target.Slot.CookieFile), requests, cancellationToken, target.Slot.Header);
            var sent = await monitor.SettledAsync(cancellationToken);
            var byCommand = sent.OrderByDescending(c => c.Value).ToDictionary(c => c.Key, c => (double)c.Value / requests);
            report.RoundTrips[target.Key] = new CommandCount(byCommand.Values.Sum(), byCommand);
        }
    }
}
