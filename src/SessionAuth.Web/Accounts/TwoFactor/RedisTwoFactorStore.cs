using System.Text.Json;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Sessions;
using StackExchange.Redis;

namespace SessionAuth.Web.Accounts.TwoFactor;

/// <summary>
/// Layout (P = Sessions:KeyPrefix, T = the user's tag): <c>P:{T}:p:hash(handle)</c>, a pending sign-in (JSON, TTL =
/// its lifetime); <c>P:{T}:c:&lt;user id&gt;:&lt;code&gt;</c>, a used authenticator code (TTL = the code's window).
/// Both in the user's hash slot, beside the user's sessions.
/// </summary>
internal sealed class RedisTwoFactorStore(IConnectionMultiplexer redis, IOptions<ServerSessionOptions> sessions, TimeProvider time) : ITwoFactorStore
{
    private readonly string _prefix = sessions.Value.KeyPrefix;

    private IDatabase Db => redis.GetDatabase();

    public Task CreatePendingAsync(PendingHandle handle, PendingSignIn pending, CancellationToken cancellationToken) =>
        Guard(async () =>
        {
            var ttl = pending.ExpiresAt - time.GetUtcNow();
            await Db.StringSetAsync(PendingKey(handle), JsonSerializer.Serialize(pending), ttl > TimeSpan.Zero ? ttl : TimeSpan.FromMilliseconds(1));
            return true;
        });

    public Task<PendingSignIn?> FindPendingAsync(PendingHandle handle, CancellationToken cancellationToken) =>
        Guard(async () => Parse(await Db.StringGetAsync(PendingKey(handle))));

    public Task<PendingSignIn?> TakePendingAsync(PendingHandle handle, CancellationToken cancellationToken) =>
        Guard(async () => Parse(await Db.StringGetDeleteAsync(PendingKey(handle))));

    public Task<bool> TryUseCodeAsync(string userId, string code, TimeSpan window, CancellationToken cancellationToken) =>
        Guard(() => Db.StringSetAsync($"{_prefix}:{{{UserHashTag.Of(userId)}}}:c:{userId}:{code}", "1", window, When.NotExists));

    private RedisKey PendingKey(PendingHandle handle) => $"{_prefix}:{{{handle.Tag}}}:p:{handle.Hash()}";

    private PendingSignIn? Parse(RedisValue value)
    {
        if (value.IsNullOrEmpty)
        {
            return null;
        }

        var pending = JsonSerializer.Deserialize<PendingSignIn>((string)value!);
        // Redis expires it; the check keeps a record that outlived its time (a restored backup) dead too.
        return pending is not null && pending.ExpiresAt > time.GetUtcNow() ? pending : null;
    }

    private static async Task<T> Guard<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new SessionStoreUnavailableException("The Redis two-factor store is unavailable.", ex);
        }
    }
}
