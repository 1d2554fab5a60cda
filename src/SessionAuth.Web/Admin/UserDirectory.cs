using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tokens;

namespace SessionAuth.Web.Admin;

/// <summary>One account as the operators' list shows it.</summary>
/// <param name="LiveCredentials">Live sessions plus live API grants.</param>
/// <param name="LastSignInAt">UTC, of the newest sign-in (form or API) the activity log still holds; null when none.</param>
public sealed record UserSummary(
    string Id,
    string Email,
    bool EmailConfirmed,
    AccountLockState Lock,
    bool TwoFactorEnabled,
    int LiveCredentials,
    DateTime? LastSignInAt);

/// <summary>One page of the list, and whether another follows (read by asking for one row more: no count query).</summary>
public sealed record UserListPage(IReadOnlyList<UserSummary> Users, int Page, bool HasNext);

/// <summary>
/// Finds accounts for the operators' console. A page costs one query (the page of users, with each one's last
/// sign-in as a correlated subquery on the activity log's (UserId, OccurredAt) index) and one Redis round trip
/// (a pipeline counting each user's sessions, sent together with one counting their grants), whatever the
/// number of accounts or sessions.
/// </summary>
public sealed class UserDirectory(
    AccountsDbContext db,
    ILookupNormalizer normalizer,
    AccountLocks locks,
    ISessionStore sessions,
    IRefreshGrantStore grants)
{
    public const int PageSize = 50;

    /// <summary>The highest page asked for; beyond it is a 400, not an overflowing OFFSET.</summary>
    public const int MaxPage = 1_000_000;

    /// <summary>The longest search text (an email address's length).</summary>
    public const int MaxQueryLength = CredentialInput.MaxEmailLength;

    /// <summary>
    /// Accounts whose email contains <paramref name="query"/> (case-insensitive, any part of it; all without one),
    /// ordered by email, page <paramref name="page"/> (from 1). Unreachable Redis throws
    /// <see cref="SessionStoreUnavailableException"/>.
    /// </summary>
    public async Task<UserListPage> SearchAsync(string? query, int page, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(page, MaxPage);
        var users = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query))
        {
            // Compared in Identity's normal form (upper case), which the NormalizedEmail index holds already; Contains
            // becomes instr() on SQLite and strpos() on PostgreSQL, so % and _ in the text are plain characters.
            var text = normalizer.NormalizeEmail(query.Trim());
            users = users.Where(u => u.NormalizedEmail!.Contains(text));
        }

        var rows = await users
            .OrderBy(u => u.NormalizedEmail).ThenBy(u => u.Id)
            .Skip((page - 1) * PageSize)
            .Take(PageSize + 1)
            .Select(u => new
            {
                u.Id,
                Email = u.Email ?? u.UserName ?? u.Id,
                u.EmailConfirmed,
                u.LockoutEnabled,
                u.LockoutEnd,
                u.TwoFactorEnabled,
                LastSignInAt = db.ActivityEvents
                    .Where(e => e.UserId == u.Id && e.Kind == ActivityKind.SignedIn)
                    .Max(e => (DateTime?)e.OccurredAt),
            })
            .ToListAsync(cancellationToken);
        var shown = rows.Take(PageSize).ToList();
        var ids = shown.Select(u => u.Id).ToList();
        var sessionCounts = sessions.CountByUsersAsync(ids, cancellationToken);
        var grantCounts = grants.CountByUsersAsync(ids, cancellationToken);
        await Task.WhenAll(sessionCounts, grantCounts);
        var (live, apiClients) = (await sessionCounts, await grantCounts);
        var summaries = shown.Select((u, i) => new UserSummary(
                u.Id, u.Email, u.EmailConfirmed, locks.StateOf(u.LockoutEnabled, u.LockoutEnd), u.TwoFactorEnabled,
                live[i] + apiClients[i], u.LastSignInAt))
            .ToList();
        return new UserListPage(summaries, page, HasNext: rows.Count > PageSize);
    }
}
