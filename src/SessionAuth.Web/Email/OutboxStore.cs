using Microsoft.EntityFrameworkCore;

namespace SessionAuth.Web.Email;

/// <summary>
/// The sender's reads and writes of the outbox. A sender claims due rows by writing its lease token and a lease end
/// in one statement that only takes rows with no live lease, so two instances never hold the same row; each outcome
/// is written only while the token is still the row's.
/// </summary>
internal static class OutboxStore
{
    public static async Task<List<OutboxMessage>> ClaimAsync(DbContext db, Guid token, DateTime now, DateTime leaseUntil, int batchSize, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            // SKIP LOCKED: a row another instance is claiming right now is passed over, not waited for and then taken too.
            await db.Database.ExecuteSqlAsync($"""
                UPDATE "OutboxMessages" SET "LeaseToken" = {token}, "LeaseUntil" = {leaseUntil}
                WHERE "Id" IN (
                    SELECT "Id" FROM "OutboxMessages"
                    WHERE "SentAt" IS NULL AND "FailedAt" IS NULL AND "DueAt" <= {now}
                      AND ("LeaseUntil" IS NULL OR "LeaseUntil" <= {now})
                    ORDER BY "DueAt"
                    LIMIT {batchSize}
                    FOR UPDATE SKIP LOCKED)
                """, cancellationToken);
        }
        else
        {
            // SQLite runs one write at a time, so this conditional UPDATE claims atomically: a second instance's runs after it and sees the lease.
            await Due(db, now).OrderBy(m => m.DueAt).Take(batchSize).ExecuteUpdateAsync(set => set
                .SetProperty(m => m.LeaseToken, token)
                .SetProperty(m => m.LeaseUntil, leaseUntil), cancellationToken);
        }

        return await db.Set<OutboxMessage>().AsNoTracking()
            .Where(m => m.LeaseToken == token && m.SentAt == null && m.FailedAt == null)
            .OrderBy(m => m.DueAt)
            .ToListAsync(cancellationToken);
    }

    /// <summary>False when the lease was lost (it ran out and another sender claimed the row).</summary>
    public static async Task<bool> MarkSentAsync(DbContext db, OutboxMessage row, Guid token, DateTime now, CancellationToken cancellationToken) =>
        await Held(db, row.Id, token).ExecuteUpdateAsync(set => set
            .SetProperty(m => m.SentAt, now)
            .SetProperty(m => m.Attempts, row.Attempts + 1)
            .SetProperty(m => m.LeaseToken, (Guid?)null)
            .SetProperty(m => m.LeaseUntil, (DateTime?)null), cancellationToken) == 1;

    /// <summary>One more failed attempt: due again at <paramref name="dueAt"/>, or finished as failed when <paramref name="failedAt"/> is set.</summary>
    public static async Task MarkAttemptFailedAsync(DbContext db, OutboxMessage row, Guid token, DateTime dueAt, DateTime? failedAt, string failure, CancellationToken cancellationToken) =>
        await Held(db, row.Id, token).ExecuteUpdateAsync(set => set
            .SetProperty(m => m.Attempts, row.Attempts + 1)
            .SetProperty(m => m.DueAt, dueAt)
            .SetProperty(m => m.FailedAt, failedAt)
            .SetProperty(m => m.LastError, failure.Length > OutboxMessage.LastErrorMaxLength ? failure[..OutboxMessage.LastErrorMaxLength] : failure)
            .SetProperty(m => m.LeaseToken, (Guid?)null)
            .SetProperty(m => m.LeaseUntil, (DateTime?)null), cancellationToken);

    /// <summary>Hands rows this sender did not get to back at once (shutdown), instead of at the lease's end.</summary>
    public static Task<int> ReleaseAsync(DbContext db, IEnumerable<Guid> ids, Guid token, CancellationToken cancellationToken)
    {
        var list = ids.ToList();
        return db.Set<OutboxMessage>().Where(m => list.Contains(m.Id) && m.LeaseToken == token).ExecuteUpdateAsync(set => set
            .SetProperty(m => m.LeaseToken, (Guid?)null)
            .SetProperty(m => m.LeaseUntil, (DateTime?)null), cancellationToken);
    }

    /// <summary>Finished rows (sent, or failed for good) older than the cut-off; the bodies hold links nobody needs any more.</summary>
    public static Task<int> PruneAsync(DbContext db, DateTime finishedBefore, CancellationToken cancellationToken) =>
        db.Set<OutboxMessage>()
            .Where(m => (m.SentAt != null && m.SentAt < finishedBefore) || (m.FailedAt != null && m.FailedAt < finishedBefore))
            .ExecuteDeleteAsync(cancellationToken);

    private static IQueryable<OutboxMessage> Due(DbContext db, DateTime now) =>
        db.Set<OutboxMessage>().Where(m => m.SentAt == null && m.FailedAt == null && m.DueAt <= now && (m.LeaseUntil == null || m.LeaseUntil <= now));

    private static IQueryable<OutboxMessage> Held(DbContext db, Guid id, Guid token) =>
        db.Set<OutboxMessage>().Where(m => m.Id == id && m.LeaseToken == token);
}
