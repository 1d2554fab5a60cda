using Microsoft.Extensions.Options;

namespace SessionAuth.Web.Sessions;

/// <summary>
/// The embedded default when no Redis is configured: sessions in this process only, so they end
/// when it stops and are not seen by other instances. Same contract as <see cref="RedisSessionStore"/>,
/// and keyed the same way, by <see cref="SessionHandle"/>: a heap dump holds no usable session id either.
/// </summary>
internal sealed class InMemorySessionStore(IOptions<ServerSessionOptions> options, TimeProvider time) : ISessionStore
{
    private readonly ServerSessionOptions _options = options.Value;
    private readonly Lock _gate = new();
    private readonly Dictionary<SessionHandle, Entry> _sessions = [];
    private readonly Dictionary<string, HashSet<SessionHandle>> _byUser = new(StringComparer.Ordinal);
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    public string Name => "in-process";

    public bool IsAvailable => true;

    public Task<IReadOnlyList<StoredSession>> CreateAsync(SessionId id, SessionRecord record, CancellationToken cancellationToken = default)
    {
        var handle = id.Handle;
        var now = time.GetUtcNow();
        lock (_gate)
        {
            SweepIfDue(now);
            // As the Redis store does: sign-in drops the user's ended sessions from their index and,
            // at Sessions:MaxPerUser, ends the least recently active ones, all under the one lock.
            List<StoredSession> evicted = [];
            if (_byUser.TryGetValue(record.UserId, out var existing))
            {
                foreach (var stale in existing.Where(h => _sessions[h].IsExpired(now)).ToList())
                {
                    RemoveLocked(stale, _sessions[stale].Record);
                }

                var limit = _options.MaxPerUser;
                if (limit > 0 && existing.Count >= limit)
                {
                    foreach (var oldest in existing.OrderBy(h => _sessions[h].LastActiveAt).Take(existing.Count - limit + 1).ToList())
                    {
                        var entry = _sessions[oldest];
                        evicted.Add(Listed(oldest, entry));
                        RemoveLocked(oldest, entry.Record);
                    }
                }
            }

            _sessions[handle] = new Entry(record, record.IdleDeadline(now, _options.IdleTimeoutFor(record.IsPersistent)), now);
            if (!_byUser.TryGetValue(record.UserId, out var handles))
            {
                _byUser[record.UserId] = handles = [];
            }

            handles.Add(handle);
            return Task.FromResult<IReadOnlyList<StoredSession>>(evicted);
        }
    }

    public Task<SessionRecord?> GetAndTouchAsync(SessionId id, CancellationToken cancellationToken = default)
    {
        var handle = id.Handle;
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_sessions.TryGetValue(handle, out var entry))
            {
                return Task.FromResult<SessionRecord?>(null);
            }

            if (entry.IsExpired(now))
            {
                RemoveLocked(handle, entry.Record);
                return Task.FromResult<SessionRecord?>(null);
            }

            _sessions[handle] = entry with { IdleExpiresAt = entry.Record.IdleDeadline(now, _options.IdleTimeoutFor(entry.Record.IsPersistent)), LastActiveAt = now };
            return Task.FromResult<SessionRecord?>(entry.Record);
        }
    }

    public Task<SessionRecord?> RemoveAsync(SessionId id, CancellationToken cancellationToken = default) =>
        Task.FromResult(Remove(id.Handle, userId: null));

    public Task<SessionRecord?> RemoveByHandleAsync(string userId, SessionHandle handle, CancellationToken cancellationToken = default) =>
        Task.FromResult(Remove(handle, userId));

    public Task<IReadOnlyList<StoredSession>> ListByUserAsync(string userId, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_byUser.TryGetValue(userId, out var handles))
            {
                return Task.FromResult<IReadOnlyList<StoredSession>>([]);
            }

            var live = new List<StoredSession>(handles.Count);
            foreach (var handle in handles.ToList())
            {
                var entry = _sessions[handle];
                if (entry.IsExpired(now))
                {
                    RemoveLocked(handle, entry.Record);
                }
                else
                {
                    live.Add(Listed(handle, entry));
                }
            }

            return Task.FromResult<IReadOnlyList<StoredSession>>(live.OrderByDescending(s => s.Record.CreatedAt).ToList());
        }
    }

    public Task<IReadOnlyList<int>> CountByUsersAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            IReadOnlyList<int> counts = userIds
                .Select(userId => _byUser.TryGetValue(userId, out var handles) ? handles.Count(handle => !_sessions[handle].IsExpired(now)) : 0)
                .ToList();
            return Task.FromResult(counts);
        }
    }

    public Task<int> RemoveAllByUserAsync(string userId, SessionId? except = null, CancellationToken cancellationToken = default)
    {
        var kept = except?.Handle;
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_byUser.TryGetValue(userId, out var handles))
            {
                return Task.FromResult(0);
            }

            var removed = 0;
            foreach (var handle in handles.Where(handle => handle != kept).ToList())
            {
                var entry = _sessions[handle];
                RemoveLocked(handle, entry.Record);
                removed += entry.IsExpired(now) ? 0 : 1;
            }

            return Task.FromResult(removed);
        }
    }

    public Task<bool> UpdateAsync(SessionId id, SessionRecord record, CancellationToken cancellationToken = default)
    {
        var handle = id.Handle;
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_sessions.TryGetValue(handle, out var entry) || entry.IsExpired(now))
            {
                return Task.FromResult(false);
            }

            // The stored data stays: only CommitDataAsync changes it, as in the Redis store.
            _sessions[handle] = entry with { Record = record with { Data = entry.Record.Data } };
            return Task.FromResult(true);
        }
    }

    public Task<(SessionDataCommit Outcome, int Size)> CommitDataAsync(
        SessionId id, SessionDataChanges changes, int maxBytes, CancellationToken cancellationToken = default)
    {
        var handle = id.Handle;
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_sessions.TryGetValue(handle, out var entry) || entry.IsExpired(now))
            {
                return Task.FromResult((SessionDataCommit.SessionGone, 0));
            }

            // Merged under the lock, in the same format the Redis store keeps: one parser for both.
            var merged = changes.ApplyTo(SessionDataFormat.Parse(entry.Record.Data.Span));
            var size = SessionDataFormat.SizeOf(merged);
            if (size > maxBytes)
            {
                return Task.FromResult((SessionDataCommit.TooLarge, size));
            }

            _sessions[handle] = entry with { Record = entry.Record with { Data = SessionDataFormat.Write(merged) } };
            return Task.FromResult((SessionDataCommit.Stored, 0));
        }
    }

    public Task<int> RestampAllByUserAsync(string userId, string replacedStamp, string newStamp, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_byUser.TryGetValue(userId, out var handles))
            {
                return Task.FromResult(0);
            }

            var count = 0;
            foreach (var handle in handles)
            {
                var entry = _sessions[handle];
                if (!entry.IsExpired(now) && entry.Record.SecurityStamp == replacedStamp)
                {
                    _sessions[handle] = entry with { Record = entry.Record with { SecurityStamp = newStamp } };
                    count++;
                }
            }

            return Task.FromResult(count);
        }
    }

    /// <summary>Ends the session if it exists (and, when <paramref name="userId"/> is given, is theirs).</summary>
    private SessionRecord? Remove(SessionHandle handle, string? userId)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_sessions.TryGetValue(handle, out var entry) || (userId is not null && entry.Record.UserId != userId))
            {
                return null;
            }

            RemoveLocked(handle, entry.Record);
            return entry.IsExpired(now) ? null : entry.Record;
        }
    }

    private void RemoveLocked(SessionHandle handle, SessionRecord record)
    {
        _sessions.Remove(handle);
        if (_byUser.TryGetValue(record.UserId, out var handles) && handles.Remove(handle) && handles.Count == 0)
        {
            _byUser.Remove(record.UserId);
        }
    }

    // Expired sessions nobody asks for again would stay forever; a sweep now and then, on the
    // writer's path, bounds memory without a background timer.
    private void SweepIfDue(DateTimeOffset now)
    {
        if (now < _nextSweep)
        {
            return;
        }

        _nextSweep = now + TimeSpan.FromMinutes(1);
        foreach (var (handle, entry) in _sessions.Where(pair => pair.Value.IsExpired(now)).ToList())
        {
            RemoveLocked(handle, entry.Record);
        }
    }

    private static StoredSession Listed(SessionHandle handle, Entry entry) =>
        new(handle, entry.Record, entry.LastActiveAt, entry.IdleExpiresAt);

    private readonly record struct Entry(SessionRecord Record, DateTimeOffset IdleExpiresAt, DateTimeOffset LastActiveAt)
    {
        // IdleExpiresAt is never past the absolute expiry (SessionRecord.IdleDeadline).
        public bool IsExpired(DateTimeOffset now) => now >= IdleExpiresAt;
    }
}
