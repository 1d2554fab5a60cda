using System.Diagnostics.Metrics;

namespace SessionAuth.Web.Infrastructure;

/// <summary>Why a session ended: the values of the <c>reason</c> tag on <c>sessionauth.sessions.ended</c>.</summary>
public static class SessionEndReason
{
    public const string SignOut = "sign-out";
    public const string Revoke = "revoke";
    public const string Idle = "idle";
    public const string Absolute = "absolute";
    public const string Limit = "limit";
    public const string Revalidation = "re-validation";
}

/// <summary>
/// The app's own meter, "SessionAuth": what the framework's instruments cannot see. Exported with the
/// rest of OpenTelemetry when OTEL_EXPORTER_OTLP_ENDPOINT is set; readable in-process by any
/// MeterListener (dotnet-counters, tests) otherwise. Tags never hold user ids, emails or session ids.
/// </summary>
public sealed class SessionAuthMetrics
{
    public const string MeterName = "SessionAuth";

    private readonly Counter<long> _sessionsCreated;
    private readonly Counter<long> _sessionsEnded;
    private readonly Counter<long> _storeLookups;
    private readonly Histogram<double> _storeLookupDuration;
    private readonly Counter<long> _storeUnavailable;
    private readonly Counter<long> _signInFailures;
    private readonly Counter<long> _tokenRefreshes;
    private readonly Counter<long> _refreshReuse;
    private readonly Counter<long> _hashingBusy;

    public SessionAuthMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _sessionsCreated = meter.CreateCounter<long>("sessionauth.sessions.created", "{session}", "Sessions created by a sign-in.");
        _sessionsEnded = meter.CreateCounter<long>("sessionauth.sessions.ended", "{session}",
            "Sessions ended, by reason: sign-out, revoke, idle, absolute, limit, re-validation.");
        _storeLookups = meter.CreateCounter<long>("sessionauth.store.lookups", "{lookup}",
            "Session store lookups of authenticated requests, by result: found, missing, unavailable.");
        _storeLookupDuration = meter.CreateHistogram<double>("sessionauth.store.lookup.duration", "s",
            "How long one session store lookup took.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2] });
        _storeUnavailable = meter.CreateCounter<long>("sessionauth.store.unavailable", "{response}",
            "Requests answered 503 because the session store could not be reached.");
        _signInFailures = meter.CreateCounter<long>("sessionauth.sign_in.failures", "{attempt}",
            "Failed sign-ins, by reason: unknown email, wrong password, locked out.");
        _tokenRefreshes = meter.CreateCounter<long>("sessionauth.tokens.refreshes", "{refresh}", "Refresh grants redeemed for a new token pair.");
        _refreshReuse = meter.CreateCounter<long>("sessionauth.tokens.refresh_reuse", "{detection}",
            "A refresh grant presented again after it was used: the whole grant family is revoked.");
        _hashingBusy = meter.CreateCounter<long>("sessionauth.password_hashing.busy", "{request}",
            "Requests answered 503 because no password hashing slot became free in time.");
    }

    public void SessionCreated() => _sessionsCreated.Add(1);

    /// <param name="reason">One of <see cref="SessionEndReason"/>.</param>
    public void SessionEnded(string reason, int count = 1)
    {
        if (count > 0)
        {
            _sessionsEnded.Add(count, new KeyValuePair<string, object?>("reason", reason));
        }
    }

    public void StoreLookup(TimeSpan elapsed, bool found)
    {
        var result = new KeyValuePair<string, object?>("result", found ? "found" : "missing");
        _storeLookups.Add(1, result);
        _storeLookupDuration.Record(elapsed.TotalSeconds, result);
    }

    public void StoreLookupFailed(TimeSpan elapsed)
    {
        var result = new KeyValuePair<string, object?>("result", "unavailable");
        _storeLookups.Add(1, result);
        _storeLookupDuration.Record(elapsed.TotalSeconds, result);
    }

    public void StoreUnavailableResponse() => _storeUnavailable.Add(1);

    public void SignInFailed(string reason) => _signInFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void TokenRefreshed() => _tokenRefreshes.Add(1);

    public void RefreshReuseDetected() => _refreshReuse.Add(1);

    public void PasswordHashingBusy() => _hashingBusy.Add(1);
}
