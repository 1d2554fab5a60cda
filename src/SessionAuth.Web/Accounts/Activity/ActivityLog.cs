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
