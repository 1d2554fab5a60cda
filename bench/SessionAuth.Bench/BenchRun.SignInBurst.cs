using System.Diagnostics;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Pages;

namespace SessionAuth.Bench;

/// <summary>Twenty sign-ins at once beside page load: how many got in, and what the pages beside them saw.</summary>
internal sealed record SignInBurstResult(int Attempted, int Succeeded, TimeSpan Took, double PageP99Ms, long PageErrors, long PageRequests);

internal sealed partial class BenchRun
{
    /// <summary>The sign-in burst: twenty parallel sign-ins on a 2-core machine once made one answer 503.</summary>
    public const int SignInBurstSize = 20;

    /// <summary>
    /// wrk loads the product's /Dashboard with its usual threads and connections (bounded, loopback)
    /// while <see cref="SignInBurstSize"/> people sign in through the form at once. Page errors are
    /// counted rather than fatal: they are the measurement. The password checks queue for the app's
    /// hashing slots (Accounts:Passwords:HashConcurrency) while the pages keep their Redis calls.
    /// </summary>
    private async Task<SignInBurstResult> MeasureSignInBurstAsync(Slot slot, List<string> emails, Wrk wrk, CancellationToken cancellationToken)
    {
        var app = (AppProcess)slot.App;
        // Long enough to cover the whole burst (about two seconds on two cores) with load before and after it.
        var loadTime = TimeSpan.FromSeconds(Math.Max(6, profile.Duration.TotalSeconds));
        var load = wrk.RunAsync(app.BaseUrl + AppRoutes.Dashboard, slot.CookieFile, loadTime, cancellationToken, countErrors: true);
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);

        var clock = Stopwatch.StartNew();
        var signedIn = await Task.WhenAll(Enumerable.Range(0, SignInBurstSize).Select(async i =>
        {
            try
            {
                await NewBrowser(app).SignInAsync(emails[i % emails.Count], _password, cancellationToken);
                return true;
            }
            catch (BenchException ex)
            {
                log.WriteLine($"    sign-in {i + 1} of the burst failed: {ex.Message}");
                return false;
            }
        }));
        var took = clock.Elapsed;
        var page = await load;
        var result = new SignInBurstResult(SignInBurstSize, signedIn.Count(ok => ok), took, page.P99Ms, page.Errors, page.Requests);
        log.WriteLine(FormattableString.Invariant(
            $"    {result.Succeeded} of {result.Attempted} signed in within {took.TotalSeconds:0.0} s; /Dashboard beside them: p99 {page.P99Ms:0.0} ms, {page.Errors} errors in {page.Requests:N0} requests"));
        return result;
    }
}
