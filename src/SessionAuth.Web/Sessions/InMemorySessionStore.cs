using Microsoft.Extensions.Options;

namespace SessionAuth.Web.Sessions;

/// <summary>
/// The embedded default when no Redis is configured: sessions in this process only, so they end
/// when it stops and are not seen by other instances. Same contract as <see cref="RedisSessionStore"/>.
/// </summary>
internal sealed class InMemorySessionStore(IOptions<ServerSessionOptions> options, TimeProvider time) : ISessionStore
{
    private readonly ServerSessionOptions _options = options.Value;
    private readonly Lock _gate = new();
    private readonly Dictionary<SessionId, Entry> _sessions = [];
    private readonly Dictionary<string, HashSet<SessionId>> _byUser = new(StringComparer.Ordinal);
    private byte[]? _cookieKey;
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    public string Name => "in-process";

    public bool IsAvailable => true;

    public Task CreateAsync(SessionId id, SessionRecord record, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            SweepIfDue(now);
            _sessions[id] = new Entry(record, record.IdleDeadline(now, _options.IdleTimeout));
            if (!_byUser.TryGetValue(record.UserId, out var ids))
            {
                _byUser[record.UserId] = ids = [];
            }

            ids.Add(id);
        }

        return Task.CompletedTask;
    }

    public Task<SessionRecord?> GetAndTouchAsync(SessionId id, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_sessions.TryGetValue(id, out var entry))
            {
                return Task.FromResult<SessionRecord?>(null);
            }

            if (entry.IsExpired(now))
            {
                RemoveLocked(id, entry.Record);
                return Task.FromResult<SessionRecord?>(null);
            }

            _sessions[id] = entry with { IdleExpiresAt = entry.Record.IdleDeadline(now, _options.IdleTimeout) };
            return Task.FromResult<SessionRecord?>(entry.Record);
        }
    }

    public Task<SessionRecord?> RemoveAsync(SessionId id, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_sessions.TryGetValue(id, out var entry))
            {
                return Task.FromResult<SessionRecord?>(null);
            }

            RemoveLocked(id, entry.Record);
            return Task.FromResult(entry.IsExpired(now) ? null : entry.Record);
        }
    }

    public Task<IReadOnlyList<StoredSession>> ListByUserAsync(string userId, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_byUser.TryGetValue(userId, out var ids))
            {
                return Task.FromResult<IReadOnlyList<StoredSession>>([]);
            }

            var live = new List<StoredSession>(ids.Count);
            foreach (var id in ids.ToList())
            {
                var entry = _sessions[id];
                if (entry.IsExpired(now))
                {
                    RemoveLocked(id, entry.Record);
                }
                else
                {
                    live.Add(new StoredSession(id, entry.Record));
                }
            }

            return Task.FromResult<IReadOnlyList<StoredSession>>(live.OrderByDescending(s => s.Record.CreatedAt).ToList());
        }
    }

    public Task<int> RemoveAllByUserAsync(string userId, SessionId? except = null, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_byUser.TryGetValue(userId, out var ids))
            {
                return Task.FromResult(0);
            }

            var removed = 0;
            foreach (var id in ids.Where(id => id != except).ToList())
            {
                var entry = _sessions[id];
                RemoveLocked(id, entry.Record);
                removed += entry.IsExpired(now) ? 0 : 1;
            }

            return Task.FromResult(removed);
        }
    }

    public Task<byte[]> GetOrAddCookieKeyAsync(byte[] candidate, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _cookieKey ??= candidate;
            return Task.FromResult(_cookieKey);
        }
    }

    private void RemoveLocked(SessionId id, SessionRecord record)
    {
        _sessions.Remove(id);
        if (_byUser.TryGetValue(record.UserId, out var ids) && ids.Remove(id) && ids.Count == 0)
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
        foreach (var (id, entry) in _sessions.Where(pair => pair.Value.IsExpired(now)).ToList())
        {
            RemoveLocked(id, entry.Record);
        }
    }

    private readonly record struct Entry(SessionRecord Record, DateTimeOffset IdleExpiresAt)
    {
        // IdleExpiresAt is never past the absolute expiry (SessionRecord.IdleDeadline).
        public bool IsExpired(DateTimeOffset now) => now >= IdleExpiresAt;
    }
}
