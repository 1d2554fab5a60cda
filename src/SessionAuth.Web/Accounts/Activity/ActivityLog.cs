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

    /// <summary>Most failed sign-ins one listing reads: a flood beyond it is counted as "at least".</summary>
    public const int FailureReadLimit = 1_000;

    /// <summary>
    /// The user's latest activity, newest first, at most <paramref name="rows"/> rows, with each run of
    /// consecutive failed sign-ins grouped into one row (count, addresses). Two bounded reads: the newest
    /// <paramref name="rows"/> other events, then the failures since the oldest of those (at most
    /// <see cref="FailureReadLimit"/>). Wrong guesses therefore take one row between two other events,
    /// however many there were, and cannot push a sign-in off the list.
    /// </summary>
    public async Task<IReadOnlyList<ActivityEntry>> RecentAsync(string userId, int rows = PageSize, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        var events = db.ActivityEvents.AsNoTracking().Where(e => e.UserId == userId);
        var others = await events.Where(e => e.Kind != ActivityKind.SignInFailed)
            .OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id)
            .Take(rows)
            .ToListAsync(cancellationToken);
        var failureQuery = events.Where(e => e.Kind == ActivityKind.SignInFailed);
        if (others.Count == rows)
        {
            // Failures older than every shown event could not appear among the rows shown anyway.
            var oldest = others[^1].OccurredAt;
            failureQuery = failureQuery.Where(e => e.OccurredAt >= oldest);
        }

        var failures = await failureQuery
            .OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id)
            .Take(FailureReadLimit)
            .ToListAsync(cancellationToken);
        return Group(others, failures, truncated: failures.Count == FailureReadLimit, rows);
    }

    private static List<ActivityEntry> Group(List<ActivityEvent> others, List<ActivityEvent> failures, bool truncated, int rows)
    {
        var merged = others.Concat(failures)
            .OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id)
            .ToList();
        var entries = new List<ActivityEntry>(Math.Min(rows, merged.Count));
        for (var i = 0; i < merged.Count && entries.Count < rows;)
        {
            var first = merged[i];
            var end = i + 1;
            if (first.Kind == ActivityKind.SignInFailed)
            {
                while (end < merged.Count && merged[end].Kind == ActivityKind.SignInFailed)
                {
                    end++;
                }
            }

            var run = merged.GetRange(i, end - i);
            entries.Add(new ActivityEntry
            {
                Kind = first.Kind,
                OccurredAt = first.OccurredAt,
                FirstAt = run[^1].OccurredAt,
                Count = run.Count,
                // The run reaching the end of what was read may go on in what was not.
                CountIsLowerBound = truncated && first.Kind == ActivityKind.SignInFailed && end == merged.Count,
                ClientIps = run.Select(e => e.ClientIp).OfType<string>().Distinct(StringComparer.Ordinal).ToList(),
                UserAgent = first.UserAgent,
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
