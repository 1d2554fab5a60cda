namespace SessionAuth.Web.Accounts.TwoFactor;

/// <summary>The embedded default without Redis: the same contract in this process (one instance only).</summary>
internal sealed class InMemoryTwoFactorStore(TimeProvider time) : ITwoFactorStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PendingSignIn> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _usedCodes = new(StringComparer.Ordinal);

    public Task CreatePendingAsync(PendingHandle handle, PendingSignIn pending, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Sweep(time.GetUtcNow());
            _pending[handle.Hash()] = pending;
        }

        return Task.CompletedTask;
    }

    public Task<PendingSignIn?> FindPendingAsync(PendingHandle handle, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_pending.TryGetValue(handle.Hash(), out var pending) && pending.ExpiresAt > time.GetUtcNow() ? pending : null);
        }
    }

    public Task<PendingSignIn?> TakePendingAsync(PendingHandle handle, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_pending.Remove(handle.Hash(), out var pending) && pending.ExpiresAt > time.GetUtcNow() ? pending : null);
        }
    }

    public Task<bool> TryUseCodeAsync(string userId, string code, TimeSpan window, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            Sweep(now);
            var key = $"{userId}\n{code}";
            if (_usedCodes.TryGetValue(key, out var until) && until > now)
            {
                return Task.FromResult(false);
            }

            _usedCodes[key] = now + window;
            return Task.FromResult(true);
        }
    }

    /// <summary>Drops what has expired; both maps stay as small as the last few minutes' sign-ins.</summary>
    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, pending) in _pending.Where(entry => entry.Value.ExpiresAt <= now).ToList())
        {
            _pending.Remove(key);
        }

        foreach (var (key, _) in _usedCodes.Where(entry => entry.Value <= now).ToList())
        {
            _usedCodes.Remove(key);
        }
    }
}
