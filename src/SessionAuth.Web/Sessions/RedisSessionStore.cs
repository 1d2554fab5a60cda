using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace SessionAuth.Web.Sessions;

/// <summary>
/// Sessions in Redis. Layout (P = Sessions:KeyPrefix, T = the user tag that starts every session id,
/// H = the session's <see cref="SessionHandle"/>, SHA-256 of its id):
/// <list type="bullet">
/// <item><c>P:{T}:s:H</c> — string, the JSON <see cref="SessionRecord"/>, TTL = idle timeout.</item>
/// <item><c>P:{T}:u:&lt;user id&gt;</c> — set of the user's session handles, TTL = newest absolute expiry.</item>
/// </list>
/// Only the cookie holds a session id: Redis, its backups and any client error quoting a key hold
/// its one-way hash. Keys that one operation touches together share the hash tag {T}, so it works
/// on Redis Cluster.
/// </summary>
internal sealed class RedisSessionStore(
    IConnectionMultiplexer redis,
    IOptions<ServerSessionOptions> options,
    TimeProvider time) : ISessionStore
{
    /// <summary>How many index members a sign-in checks at most (see <see cref="PruneAsync"/>).</summary>
    internal const int PruneSample = 32;

    private readonly ServerSessionOptions _options = options.Value;

    public string Name => "redis";

    public bool IsAvailable => redis.IsConnected;

    private IDatabase Db => redis.GetDatabase();

    public Task CreateAsync(SessionId id, SessionRecord record, CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            var ttl = InitialTtl(record);
            var handle = id.Handle.Value;
            var userKey = UserKey(id.Tag, record.UserId);
            var transaction = Db.CreateTransaction();
            _ = transaction.StringSetAsync(SessionKey(id), Serialize(record), ttl);
            _ = transaction.SetAddAsync(userKey, handle);
            // Absolute expiry grows with every new sign-in, so the newest one bounds the index.
            _ = transaction.KeyExpireAsync(userKey, record.AbsoluteExpiresAt.UtcDateTime);
            var sample = transaction.SetRandomMembersAsync(userKey, PruneSample);
            await transaction.ExecuteAsync();
            await PruneAsync(id.Tag, userKey, handle, await sample);
        });

    public async Task<SessionRecord?> GetAndTouchAsync(SessionId id, CancellationToken cancellationToken = default)
    {
        RedisValue value;
        try
        {
            // GETEX … PX: read and slide the idle expiry in one command, the whole per-request cost.
            value = await Db.StringGetSetExpiryAsync(SessionKey(id), _options.IdleTimeout);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw Unavailable(ex);
        }

        if (value.IsNull)
        {
            return null;
        }

        var record = Deserialize(value);
        if (record is null || record.AbsoluteExpiresAt <= time.GetUtcNow())
        {
            // Rare path: the absolute limit passed while the idle TTL kept the key alive.
            await RemoveAsync(id, cancellationToken);
            return null;
        }

        return record;
    }

    public Task<SessionRecord?> RemoveAsync(SessionId id, CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            var value = await Db.StringGetDeleteAsync(SessionKey(id));
            var record = value.IsNull ? null : Deserialize(value);
            if (record is not null)
            {
                await Db.SetRemoveAsync(UserKey(id.Tag, record.UserId), id.Handle.Value);
            }

            return record;
        });

    public Task<SessionRecord?> RemoveByHandleAsync(string userId, SessionHandle handle, CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            var tag = SessionId.UserTag(userId);
            var userKey = UserKey(tag, userId);
            // Only a handle in this user's own index ends anything: a handle is no capability by itself.
            var transaction = Db.CreateTransaction();
            transaction.AddCondition(Condition.SetContains(userKey, handle.Value));
            var deleted = transaction.StringGetDeleteAsync(SessionKey(tag, handle));
            _ = transaction.SetRemoveAsync(userKey, handle.Value);
            if (!await transaction.ExecuteAsync())
            {
                return null;
            }

            var value = await deleted;
            var record = value.IsNull ? null : Deserialize(value);
            return record is not null && record.UserId == userId && record.AbsoluteExpiresAt > time.GetUtcNow() ? record : null;
        });

    public Task<IReadOnlyList<StoredSession>> ListByUserAsync(string userId, CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            var tag = SessionId.UserTag(userId);
            var userKey = UserKey(tag, userId);
            var handles = ParseHandles(await Db.SetMembersAsync(userKey));
            if (handles.Count == 0)
            {
                return (IReadOnlyList<StoredSession>)[];
            }

            var values = await Db.StringGetAsync(handles.Select(handle => SessionKey(tag, handle)).ToArray());
            var now = time.GetUtcNow();
            var live = new List<StoredSession>(handles.Count);
            var stale = new List<RedisValue>();
            for (var i = 0; i < handles.Count; i++)
            {
                var record = values[i].IsNull ? null : Deserialize(values[i]);
                if (record is not null && record.UserId == userId && record.AbsoluteExpiresAt > now)
                {
                    live.Add(new StoredSession(handles[i], record));
                }
                else
                {
                    stale.Add(handles[i].Value);
                }
            }

            if (stale.Count > 0)
            {
                // Idle expiry removes session keys without telling the set.
                await Db.SetRemoveAsync(userKey, stale.ToArray(), CommandFlags.FireAndForget);
            }

            return live.OrderByDescending(s => s.Record.CreatedAt).ToList();
        });

    public Task<int> RemoveAllByUserAsync(string userId, SessionId? except = null, CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            var tag = SessionId.UserTag(userId);
            var userKey = UserKey(tag, userId);
            var kept = except?.Handle;
            var handles = ParseHandles(await Db.SetMembersAsync(userKey)).Where(handle => handle != kept).ToList();
            if (handles.Count == 0)
            {
                return 0;
            }

            // One slot, one transaction: the sessions and their index entries go together. SREM of the
            // listed members (not DEL of the set) keeps a sign-in that lands meanwhile in the index.
            var transaction = Db.CreateTransaction();
            var deleted = transaction.KeyDeleteAsync(handles.Select(handle => SessionKey(tag, handle)).ToArray());
            _ = transaction.SetRemoveAsync(userKey, handles.Select(handle => (RedisValue)handle.Value).ToArray());
            await transaction.ExecuteAsync();
            return (int)await deleted;
        });

    /// <summary>
    /// Idle expiry deletes a session key without telling the index, and sign-in is where the index
    /// grows, so sign-in prunes it, at bounded cost: the sign-in transaction also draws a random
    /// sample of at most <see cref="PruneSample"/> members (all of them while the set is that small);
    /// the others than the new session get one EXISTS each in one pipelined batch, and the gone ones
    /// one SREM, all in the user's slot. A user's first session costs no extra round trip. The index
    /// so holds the live sessions plus a small slack.
    /// </summary>
    private async Task PruneAsync(string tag, RedisKey userKey, string created, RedisValue[] sample)
    {
        var others = sample.Where(member => member != created).ToArray();
        if (others.Length == 0)
        {
            return;
        }

        var batch = Db.CreateBatch();
        var checks = new Task<bool>[others.Length];
        for (var i = 0; i < others.Length; i++)
        {
            checks[i] = SessionHandle.TryParse((string?)others[i], out var handle)
                ? batch.KeyExistsAsync(SessionKey(tag, handle))
                : Task.FromResult(false);
        }

        batch.Execute();
        var exists = await Task.WhenAll(checks);
        var stale = others.Where((_, i) => !exists[i]).ToArray();
        if (stale.Length > 0)
        {
            await Db.SetRemoveAsync(userKey, stale);
        }
    }

    private TimeSpan InitialTtl(SessionRecord record)
    {
        var now = time.GetUtcNow();
        var ttl = record.IdleDeadline(now, _options.IdleTimeout) - now;
        return ttl > TimeSpan.Zero ? ttl : TimeSpan.FromMilliseconds(1);
    }

    /// <summary>
    /// The per-request key: <c>P:{T}:s:H</c>, hashed in place, so the string is the only allocation.
    /// </summary>
    private RedisKey SessionKey(SessionId id) =>
        string.Create(
            _options.KeyPrefix.Length + ":{".Length + SessionId.TagLength + "}:s:".Length + SessionHandle.Length,
            (Prefix: _options.KeyPrefix, Id: id.Value),
            static (destination, state) =>
            {
                var at = Append(destination, 0, state.Prefix);
                at = Append(destination, at, ":{");
                at = Append(destination, at, state.Id.AsSpan(0, SessionId.TagLength));
                at = Append(destination, at, "}:s:");
                SessionHandle.Write(state.Id, destination[at..]);
            });

    private RedisKey SessionKey(string tag, SessionHandle handle) => $"{_options.KeyPrefix}:{{{tag}}}:s:{handle.Value}";

    private RedisKey UserKey(string tag, string userId) => $"{_options.KeyPrefix}:{{{tag}}}:u:{userId}";

    private static int Append(Span<char> destination, int at, ReadOnlySpan<char> text)
    {
        text.CopyTo(destination[at..]);
        return at + text.Length;
    }

    private static List<SessionHandle> ParseHandles(RedisValue[] members)
    {
        var handles = new List<SessionHandle>(members.Length);
        foreach (var member in members)
        {
            if (SessionHandle.TryParse((string?)member, out var handle))
            {
                handles.Add(handle);
            }
        }

        return handles;
    }

    private static byte[] Serialize(SessionRecord record) =>
        JsonSerializer.SerializeToUtf8Bytes(record, SessionJsonContext.Default.SessionRecord);

    private static SessionRecord? Deserialize(RedisValue value)
    {
        try
        {
            return JsonSerializer.Deserialize(((ReadOnlyMemory<byte>)value).Span, SessionJsonContext.Default.SessionRecord);
        }
        catch (JsonException)
        {
            // A record this version cannot read is no session: fail closed.
            return null;
        }
    }

    private static async Task<T> Guard<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw Unavailable(ex);
        }
    }

    private static async Task Guard(Func<Task> operation)
    {
        try
        {
            await operation();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw Unavailable(ex);
        }
    }

    private static SessionStoreUnavailableException Unavailable(Exception ex) =>
        new("The Redis session store is unavailable.", ex);
}
