using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Bench;

/// <summary>Medians of the operators' console pages, in milliseconds.</summary>
internal sealed record AdminTimes(double ListMs, double SearchMs, double UserPageMs);

/// <summary>
/// The operators' console under a realistic size: the list with many accounts (made straight in the accounts
/// database, without password hashes: no sign-in needs them) and the page of a user with many sessions.
/// </summary>
internal static partial class AdminTimer
{
    public const string OperatorEmail = "bench-operator@bench.example";

    public static async Task<AdminTimes> MeasureAsync(
        Func<Browser> newBrowser, AppServices services, string password, int users, int sessions, int repeats, CancellationToken cancellationToken)
    {
        await services.AddUsersAsync("bench-console-", users, cancellationToken);
        var operatorBrowser = newBrowser();
        await operatorBrowser.RegisterAsync(OperatorEmail, password, cancellationToken);
        await operatorBrowser.SignInAsync(OperatorEmail, password, cancellationToken);

        const string busyEmail = "bench-console-busy@bench.example";
        var busy = newBrowser();
        await busy.RegisterAsync(busyEmail, password, cancellationToken);
        await busy.SignInAsync(busyEmail, password, cancellationToken);
        var busyId = await services.UserIdAsync(busyEmail);
        var listed = await services.Store.ListByUserAsync(busyId, cancellationToken);
        var own = listed.Count == 1 ? listed[0].Record : throw new BenchException($"The store lists {listed.Count} sessions of {busyEmail}, who signed in once.");
        await Task.WhenAll(Enumerable.Range(1, sessions - 1).Select(_ => services.Store.CreateAsync(SessionId.New(busyId), own, cancellationToken)));

        var list = new List<double>();
        var search = new List<double>();
        var userPage = new List<double>();
        for (var i = 0; i < repeats + 1; i++)
        {
            var listMs = await TimeAsync(operatorBrowser, AppRoutes.AdminUsers, UserRow(), 50);
            var searchMs = await TimeAsync(operatorBrowser, $"{AppRoutes.AdminUsers}?q=CONSOLE-{users / 2:00000}", UserRow(), 1);
            var userMs = await TimeAsync(operatorBrowser, AppRoutes.AdminUserPath(busyId), SessionRow(), sessions);
            if (i > 0)
            {
                // The first pass warms the code paths (and the pages' compiled views).
                list.Add(listMs);
                search.Add(searchMs);
                userPage.Add(userMs);
            }
        }

        await services.Store.RemoveAllByUserAsync(busyId, cancellationToken: cancellationToken);
        return new AdminTimes(Stats.Median(list), Stats.Median(search), Stats.Median(userPage));

        async Task<double> TimeAsync(Browser browser, string path, Regex row, int expected)
        {
            var clock = Stopwatch.StartNew();
            var (status, _, body) = await browser.GetAsync(path, cancellationToken);
            var elapsed = clock.Elapsed.TotalMilliseconds;
            var rows = row.Count(body);
            return status == HttpStatusCode.OK && rows == expected
                ? elapsed
                : throw new BenchException($"GET {path} answered {(int)status} with {rows} rows, not 200 with {expected}.");
        }
    }

    [GeneratedRegex("data-testid=\"user-row\"")]
    private static partial Regex UserRow();

    [GeneratedRegex("data-testid=\"session-row\"")]
    private static partial Regex SessionRow();
}
