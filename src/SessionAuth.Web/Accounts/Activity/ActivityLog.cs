using Microsoft.EntityFrameworkCore;

namespace SessionAuth.Web.Accounts.Activity;

/// <summary>
/// Writes and reads a user's security events. Each write uses a context of its own (from a scope of
/// its own, whichever provider's context that is), so it never
/// saves (or is spoiled by) whatever the request's Identity context has pending, and a failed write
/// is logged and swallowed: the event is worth less than the sign-in or sign-out it describes.
/// </summary>
public sealed class ActivityLog(IServiceScopeFactory scopes, TimeProvider time, ILogger<ActivityLog> logger)
{
    public const int PageSize = 20;

    /// <summary>Records an event with the client address and browser of <paramref name="http"/>. Never throws.</summary>
    public Task RecordAsync(string userId, ActivityKind kind, HttpContext http, string? detail = null) =>
        RecordAsync(userId, kind, http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers.UserAgent.ToString(), detail);

    /// <summary>
    /// Records an event once the answer has been sent: for failed sign-ins, whose answer must take as
    /// long for a known email as for an unknown one (no row is written for those), so the write must not
    /// sit in front of it. The address and browser are read now; the request's context is gone by then.
    /// </summary>
    public void RecordAfterResponse(string userId, ActivityKind kind, HttpContext http, string? detail = null)
    {
        var clientIp = http.Connection.RemoteIpAddress?.ToString();
        var userAgent = http.Request.Headers.UserAgent.ToString();
        http.Response.OnCompleted(() => RecordAsync(userId, kind, clientIp, userAgent, detail));
    }

    /// <summary>Records an event; <paramref name="userAgent"/> is the raw header (it is summarised here). Never throws.</summary>
    public async Task RecordAsync(string userId, ActivityKind kind, string? clientIp, string? userAgent, string? detail = null)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
            db.ActivityEvents.Add(new ActivityEvent
            {
                UserId = userId,
                Kind = kind,
                OccurredAt = time.GetUtcNow().UtcDateTime,
                ClientIp = Cut(clientIp, ActivityEvent.IpMaxLength),
                UserAgent = Cut(UserAgentSummary.Describe(userAgent), ActivityEvent.UserAgentMaxLength),
                Detail = Cut(detail, ActivityEvent.DetailMaxLength),
            });
            // Not the request's cancellation: a person who closes the tab has still signed in.
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            ActivityLogMessages.WriteFailed(logger, ex, kind, userId);
        }
    }

    /// <summary>The user's latest events, newest first.</summary>
    public async Task<IReadOnlyList<ActivityEvent>> LatestAsync(string userId, int count = PageSize, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        return await db.ActivityEvents.AsNoTracking()
            .Where(e => e.UserId == userId)
            .OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id)
            .Take(count)
            .ToListAsync(cancellationToken);
    }

    /// <summary>Most failed sign-ins (and lockouts) one listing reads: a flood beyond it is counted as "at least".</summary>
    public const int FailureReadLimit = 1_000;

    /// <summary>Most addresses one row lists; the rest are counted (<see cref="ActivityEntry.MoreClientIps"/>).</summary>
    public const int ShownClientIps = 5;

    /// <summary>
    /// The user's latest activity, newest first, at most <paramref name="rows"/> rows, with each run of
    /// consecutive wrong guesses (failed sign-ins and the lockouts they caused) grouped into one row
    /// (counts, addresses). Two bounded reads: the newest <paramref name="rows"/> other events, then the
    /// guesses since the oldest of those (at most <see cref="FailureReadLimit"/>). Wrong guesses therefore
    /// take one row between two other events, however many there were and however many lockouts they
    /// caused, and cannot push a sign-in off the list. When the second read hits its limit, the run holding
    /// the oldest guess read is marked as a lower bound; guesses older than that one are not read, so runs
    /// between the older events shown are not listed.
    /// </summary>
    public async Task<IReadOnlyList<ActivityEntry>> RecentAsync(string userId, int rows = PageSize, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        var events = db.ActivityEvents.AsNoTracking().Where(e => e.UserId == userId);
        // LockedOut is only ever written by the lockout that wrong passwords cause (sign-in, or a signed-in
        // form's current password); an operator's lock has a kind of its own (LockedByAdministrator), kept out of runs.
        var others = await events.Where(e => e.Kind != ActivityKind.SignInFailed && e.Kind != ActivityKind.LockedOut)
            .OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id)
            .Take(rows)
            .ToListAsync(cancellationToken);
        var guessQuery = events.Where(e => e.Kind == ActivityKind.SignInFailed || e.Kind == ActivityKind.LockedOut);
        if (others.Count == rows)
        {
            // Guesses older than every shown event could not appear among the rows shown anyway.
            var oldest = others[^1].OccurredAt;
            guessQuery = guessQuery.Where(e => e.OccurredAt >= oldest);
        }

        var guesses = await guessQuery
            .OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id)
            .Take(FailureReadLimit)
            .ToListAsync(cancellationToken);
        return Group(others, guesses, oldestUnsure: guesses.Count == FailureReadLimit ? guesses[^1] : null, rows);
    }

    private static bool IsGuess(ActivityKind kind) => kind is ActivityKind.SignInFailed or ActivityKind.LockedOut;

    /// <param name="oldestUnsure">The oldest guess read when the read hit its limit: more may precede it.</param>
    private static List<ActivityEntry> Group(List<ActivityEvent> others, List<ActivityEvent> guesses, ActivityEvent? oldestUnsure, int rows)
    {
        var merged = others.Concat(guesses)
            .OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id)
            .ToList();
        var entries = new List<ActivityEntry>(Math.Min(rows, merged.Count));
        for (var i = 0; i < merged.Count && entries.Count < rows;)
        {
            var end = i + 1;
            if (IsGuess(merged[i].Kind))
            {
                while (end < merged.Count && IsGuess(merged[end].Kind))
                {
                    end++;
                }
            }

            var run = merged.GetRange(i, end - i);
            var failed = run.Count(e => e.Kind == ActivityKind.SignInFailed);
            // A run with any failed sign-in reads as one, its lockouts counted beside; lockouts alone stay lockouts.
            var kind = failed > 0 ? ActivityKind.SignInFailed : run[0].Kind;
            var addresses = run.Select(e => e.ClientIp).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
            entries.Add(new ActivityEntry
            {
                Kind = kind,
                OccurredAt = run[0].OccurredAt,
                FirstAt = run[^1].OccurredAt,
                Count = failed > 0 ? failed : run.Count,
                LockedOutCount = failed > 0 ? run.Count - failed : 0,
                // The run holding the oldest guess read may go on in what was not read.
                CountIsLowerBound = oldestUnsure is not null && run.Contains(oldestUnsure),
                ClientIps = addresses.Take(ShownClientIps).ToList(),
                MoreClientIps = Math.Max(0, addresses.Count - ShownClientIps),
                UserAgent = run[0].UserAgent,
                Detail = string.Join("; ", run.Select(e => e.Detail).OfType<string>().Distinct(StringComparer.Ordinal)) is { Length: > 0 } detail ? detail : null,
            });
            i = end;
        }

        return entries;
    }

    /// <summary>Deletes every event of the user (account deletion); returns how many.</summary>
    public async Task<int> DeleteAllAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        return await db.ActivityEvents.Where(e => e.UserId == userId).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Deletes every event before <paramref name="cutoff"/> (UTC); returns how many.</summary>
    internal async Task<int> DeleteOlderThanAsync(DateTime cutoff, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        return await db.ActivityEvents.Where(e => e.OccurredAt < cutoff).ExecuteDeleteAsync(cancellationToken);
    }

    private static string? Cut(string? value, int max) =>
        string.IsNullOrEmpty(value) ? null : value.Length <= max ? value : value[..max];
}
