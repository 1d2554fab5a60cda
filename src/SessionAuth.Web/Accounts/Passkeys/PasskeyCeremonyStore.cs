using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Sessions;
using StackExchange.Redis;

namespace SessionAuth.Web.Accounts.Passkeys;

/// <summary>
/// The state of a passkey ceremony (the challenge Identity's passkey handler issued, and for a registration the
/// user it is for) between the options and the browser's answer: short-lived and single use. Keyed by a random
/// handle that only the browser holds (an HttpOnly cookie, <see cref="PasskeyCeremonies"/>).
/// </summary>
public interface IPasskeyCeremonyStore
{
    Task PutAsync(string handle, string operation, string state, TimeSpan lifetime, CancellationToken cancellationToken);

    /// <summary>The stored operation and state, removed in the same step (a second take finds nothing); null when gone.</summary>
    Task<(string Operation, string State)?> TakeAsync(string handle, CancellationToken cancellationToken);
}

/// <summary>
/// In Redis: <c>P:pk:{SHA-256 of the handle}</c> = "operation\nstate" with PX expiry, taken with GETDEL, so two
/// instances cannot both accept one challenge. Redis never sees the handle itself.
/// </summary>
internal sealed class RedisPasskeyCeremonyStore(IConnectionMultiplexer redis, IOptions<ServerSessionOptions> sessions) : IPasskeyCeremonyStore
{
    private readonly string _prefix = sessions.Value.KeyPrefix + ":pk:";

    public async Task PutAsync(string handle, string operation, string state, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        try
        {
            await redis.GetDatabase().StringSetAsync(Key(handle), operation + "\n" + state, lifetime);
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
        {
            throw new SessionStoreUnavailableException("The passkey challenge could not be stored.", ex);
        }
    }

    public async Task<(string Operation, string State)?> TakeAsync(string handle, CancellationToken cancellationToken)
    {
        RedisValue value;
        try
        {
            value = await redis.GetDatabase().StringGetDeleteAsync(Key(handle));
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
        {
            throw new SessionStoreUnavailableException("The passkey challenge could not be read.", ex);
        }

        return PasskeyCeremonyRecord.Parse(value.IsNull ? null : (string?)value);
    }

    private RedisKey Key(string handle) => _prefix + PasskeyCeremonyRecord.Fingerprint(handle);
}

/// <summary>In process, for a single instance without Redis; expired records are swept as new ones arrive.</summary>
internal sealed class InMemoryPasskeyCeremonyStore(TimeProvider time) : IPasskeyCeremonyStore
{
    /// <summary>Most records held at once: a flood of challenges costs bounded memory, then refusals.</summary>
    internal const int Capacity = 100_000;

    private readonly ConcurrentDictionary<string, (string Value, DateTimeOffset ExpiresAt)> _records = new(StringComparer.Ordinal);

    public Task PutAsync(string handle, string operation, string state, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_records.Count >= Capacity / 2)
        {
            foreach (var (key, record) in _records)
            {
                if (record.ExpiresAt <= now)
                {
                    _records.TryRemove(key, out _);
                }
            }
        }

        if (_records.Count >= Capacity)
        {
            throw new SessionStoreUnavailableException("Too many passkey challenges are open; try again in a moment.");
        }

        _records[PasskeyCeremonyRecord.Fingerprint(handle)] = (operation + "\n" + state, now + lifetime);
        return Task.CompletedTask;
    }

    public Task<(string Operation, string State)?> TakeAsync(string handle, CancellationToken cancellationToken)
    {
        var taken = _records.TryRemove(PasskeyCeremonyRecord.Fingerprint(handle), out var record) && record.ExpiresAt > time.GetUtcNow();
        return Task.FromResult(PasskeyCeremonyRecord.Parse(taken ? record.Value : null));
    }
}

internal static class PasskeyCeremonyRecord
{
    public static string Fingerprint(string handle) =>
        System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(handle)));

    public static (string Operation, string State)? Parse(string? value)
    {
        var newline = value?.IndexOf('\n') ?? -1;
        return newline > 0 ? (value![..newline], value[(newline + 1)..]) : null;
    }
}
