using Microsoft.Extensions.Options;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Tokens;

/// <summary>
/// Refresh grants in this process, for running without Redis: the same contract as
/// <see cref="RedisRefreshGrantStore"/>, with idle and absolute expiry read from the <see cref="TimeProvider"/>.
/// One lock makes rotation atomic, as the Lua script does in Redis.
/// </summary>
internal sealed class InMemoryRefreshGrantStore(IOptions<TokenOptions> tokens, TimeProvider time) : IRefreshGrantStore
{
    private readonly TokenOptions _options = tokens.Value;
    private readonly Dictionary<GrantHandle, Grant> _grants = [];
    private readonly Lock _lock = new();

    public string Name => "in-process";

    public Task<RefreshToken> CreateAsync(RefreshGrant grant, CancellationToken cancellationToken = default)
    {
        var handle = grant.Handle;
        var token = RefreshToken.New(UserHashTag.Of(grant.UserId), handle);
        lock (_lock)
        {
            Prune(time.GetUtcNow());
            _grants[handle] = new Grant(grant, grant.CreatedAt + _options.RefreshAbsoluteLifetime) { Current = token.Hash(), LastRefreshedAt = grant.CreatedAt };
        }

        return Task.FromResult(token);
    }

    public Task<RefreshResult> RotateAsync(RefreshToken token, CancellationToken cancellationToken = default)
    {
        var presented = token.Hash();
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (Live(token.Handle, now) is not { } grant)
            {
                return Task.FromResult(RefreshResult.Refused);
            }

            if (grant.Current == presented)
            {
                var successor = RefreshToken.New(token.Tag, token.Handle);
                grant.Rotated.Add(presented);
                grant.Current = successor.Hash();
                grant.LastRefreshedAt = now;
                return Task.FromResult(new RefreshResult(RefreshOutcome.Rotated, grant.Facts.UserId, grant.Facts.Id, successor, grant.SecurityStamp, grant.Facts.Amr));
            }

            if (grant.Rotated.Contains(presented))
            {
                _grants.Remove(token.Handle);
                return Task.FromResult(new RefreshResult(RefreshOutcome.Reused, grant.Facts.UserId, grant.Facts.Id));
            }

            return Task.FromResult(RefreshResult.Refused);
        }
    }

    public Task<bool> RevokeAsync(RefreshToken token, CancellationToken cancellationToken = default)
    {
        var presented = token.Hash();
        lock (_lock)
        {
            var ended = Live(token.Handle, time.GetUtcNow()) is { } grant
                && (grant.Current == presented || grant.Rotated.Contains(presented))
                && _grants.Remove(token.Handle);
            return Task.FromResult(ended);
        }
    }

    public Task<bool> ExistsAsync(string userId, string grantId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(Live(GrantHandle.Of(grantId), time.GetUtcNow()) is { } grant && grant.Facts.UserId == userId);
        }
    }

    public Task<string?> StampOfAsync(string userId, string grantId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(Live(GrantHandle.Of(grantId), time.GetUtcNow()) is { } grant && grant.Facts.UserId == userId ? grant.SecurityStamp : null);
        }
    }

    public Task<IReadOnlyList<GrantSummary>> ListByUserAsync(string userId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Prune(time.GetUtcNow());
            IReadOnlyList<GrantSummary> list = _grants
                .Where(pair => pair.Value.Facts.UserId == userId)
                .Select(pair => new GrantSummary(pair.Key, pair.Value.Facts.UserAgent, pair.Value.Facts.ClientIp, pair.Value.Facts.CreatedAt, pair.Value.LastRefreshedAt, pair.Value.Facts.Amr))
                .OrderByDescending(grant => grant.CreatedAt)
                .ToList();
            return Task.FromResult(list);
        }
    }

    public Task<IReadOnlyList<int>> CountByUsersAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Prune(time.GetUtcNow());
            IReadOnlyList<int> counts = userIds.Select(userId => _grants.Count(pair => pair.Value.Facts.UserId == userId)).ToList();
            return Task.FromResult(counts);
        }
    }

    public Task<bool> RevokeByHandleAsync(string userId, GrantHandle handle, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var ended = Live(handle, time.GetUtcNow()) is { } grant && grant.Facts.UserId == userId && _grants.Remove(handle);
            return Task.FromResult(ended);
        }
    }

    public Task<int> RevokeAllByUserAsync(string userId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Prune(time.GetUtcNow());
            var mine = _grants.Where(pair => pair.Value.Facts.UserId == userId).Select(pair => pair.Key).ToList();
            foreach (var handle in mine)
            {
                _grants.Remove(handle);
            }

            return Task.FromResult(mine.Count);
        }
    }

    public Task<int> RestampAllByUserAsync(string userId, string replacedStamp, string newStamp, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Prune(time.GetUtcNow());
            var restamped = 0;
            foreach (var grant in _grants.Values)
            {
                if (grant.Facts.UserId == userId && grant.SecurityStamp == replacedStamp)
                {
                    grant.SecurityStamp = newStamp;
                    restamped++;
                }
            }

            return Task.FromResult(restamped);
        }
    }

    private Grant? Live(GrantHandle handle, DateTimeOffset now)
    {
        if (!_grants.TryGetValue(handle, out var grant))
        {
            return null;
        }

        if (grant.HasEnded(now, _options.RefreshIdleLifetime))
        {
            _grants.Remove(handle);
            return null;
        }

        return grant;
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (handle, grant) in _grants)
        {
            if (grant.HasEnded(now, _options.RefreshIdleLifetime))
            {
                _grants.Remove(handle);
            }
        }
    }

    private sealed class Grant(RefreshGrant facts, DateTimeOffset absoluteEnd)
    {
        public RefreshGrant Facts { get; } = facts;

        public required string Current { get; set; }

        public required DateTimeOffset LastRefreshedAt { get; set; }

        public string SecurityStamp { get; set; } = facts.SecurityStamp;

        public HashSet<string> Rotated { get; } = new(StringComparer.Ordinal);

        public bool HasEnded(DateTimeOffset now, TimeSpan idle) => now >= absoluteEnd || now >= LastRefreshedAt + idle;
    }
}
