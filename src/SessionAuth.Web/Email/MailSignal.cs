using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace SessionAuth.Web.Email;

/// <summary>
/// Wakes this instance's sender when a message is queued, so it goes out at once rather than at the next poll. A
/// message queued inside a caller's transaction is invisible to the sender until the commit, so it wakes it then.
/// </summary>
internal sealed class MailSignal : IDisposable
{
    private static readonly object Marker = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly ConditionalWeakTable<DbTransaction, object> _awaitingCommit = [];

    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake or about to be: one wake covers every message queued before it is taken.
        }
    }

    public void WakeAfterCommit(DbTransaction transaction) => _awaitingCommit.AddOrUpdate(transaction, Marker);

    public void Committed(DbTransaction transaction)
    {
        if (_awaitingCommit.Remove(transaction))
        {
            Wake();
        }
    }

    public void RolledBack(DbTransaction transaction) => _awaitingCommit.Remove(transaction);

    /// <summary>True when woken, false when the time ran out.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _wake.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _wake.Dispose();
}

/// <summary>Added to the accounts DbContext's options, so a commit that carried a queued message wakes the sender.</summary>
internal sealed class OutboxCommitInterceptor(MailSignal signal) : DbTransactionInterceptor
{
    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        signal.Committed(transaction);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        signal.Committed(transaction);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) =>
        signal.RolledBack(transaction);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        signal.RolledBack(transaction);
        return Task.CompletedTask;
    }
}
