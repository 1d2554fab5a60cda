namespace SessionAuth.Web.Accounts;

/// <summary>
/// Holds back the answer of a form that must not tell whether an address has an account (forgot password, resend
/// confirmation) until a fixed time after its handler began. A known address costs a code and an outbox row that an
/// unknown one does not (a few milliseconds, far above what a timer over the network can tell apart from nothing);
/// waiting out the difference costs no CPU, unlike decoy work, and the floor lies well above the work on a healthy
/// database, so both answers leave at the same moment.
/// </summary>
public sealed class AnswerTimeFloor
{
    /// <summary>Far above the work (tens of milliseconds at worst on a healthy database), and short enough for a person not to notice.</summary>
    public static readonly TimeSpan Floor = TimeSpan.FromMilliseconds(300);

    // The wall clock, never a test's fake one: the wait is what a client times.
    public long Start() => System.Diagnostics.Stopwatch.GetTimestamp();

    public async Task WaitAsync(long started)
    {
        var remaining = Floor - System.Diagnostics.Stopwatch.GetElapsedTime(started);
        if (remaining > TimeSpan.Zero)
        {
            // Not the request's token: a client that gives up early learns nothing from a shorter wait either.
            await Task.Delay(remaining, CancellationToken.None);
        }
    }
}
