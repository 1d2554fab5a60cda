using System.Text.Json;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Infrastructure;
using StackExchange.Redis;

namespace SessionAuth.Web.Sessions;

/// <summary>
/// Sessions in Redis. Layout (P = Sessions:KeyPrefix, T = the user tag that starts every session id,
/// H = the session's <see cref="SessionHandle"/>, SHA-256 of its id):
/// <list type="bullet">
/// <item><c>P:{T}:s:H</c> — string, the JSON <see cref="SessionRecord"/>, then, once a page has stored some, a newline and the
/// session's <c>HttpContext.Session</c> data (<see cref="SessionDataFormat"/>); TTL = idle timeout (the persistent one for "Keep me signed in").</item>
/// <item><c>P:{T}:u:&lt;user id&gt;</c> — set of the user's session handles, expiring at the latest absolute expiry of any of them (it only grows).</item>
/// </list>
/// Only the cookie holds a session id: Redis, its backups and any client error quoting a key hold
/// its one-way hash. Keys that one operation touches together share the hash tag {T}, so it works
/// on Redis Cluster.
/// </summary>
internal sealed class RedisSessionStore(
    IConnectionMultiplexer redis,
    IOptions<ServerSessionOptions> options,
    TimeProvider time,
    SessionAuthMetrics? metrics = null) : ISessionStore
{
    /// <summary>How many index members a sign-in without a limit checks at most (see <see cref="CreateScript"/>).</summary>
    internal const int PruneSample = 32;

    /// <summary>Most index members one SREM of a listing removes: a long backlog goes in several short commands.</summary>
    internal const int StaleChunk = 1_000;

    private const int RestampAttempts = 5;

    /// <summary>
    /// Sign-in, atomically in the user's slot. KEYS[1] = the user's index, KEYS[2] = the new session.
    /// The index members' session keys are not declared: they are not known before the script reads
    /// the index. Each is ARGV[1] (<c>P:{T}:s:</c>) plus a member, so it carries the same hash tag {T}
    /// as both declared keys and lives in their slot, on one node of a Redis Cluster; the script never
    /// touches a key outside that slot.
    /// With a limit (ARGV[6] &gt; 0): every member is checked (PTTL), gone ones leave the index, and
    /// while the user holds the limit or more, the least recently active are ended and returned as
    /// (handle, record, PTTL) triples. Every touch resets the TTL to the session's idle timeout (ARGV[8],
    /// or ARGV[9] for a persistent record), so PTTL minus that timeout is minus the time since last use.
    /// Without one: a random sample of at most ARGV[7] members is checked and the gone ones pruned,
    /// so sign-in work stays bounded however many dead ids the index holds.
    /// </summary>
    private const string CreateScript = """
        local index, session = KEYS[1], KEYS[2]
        local prefix, handle, max, sample = ARGV[1], ARGV[2], tonumber(ARGV[6]), tonumber(ARGV[7])
        local evicted = {}
        if max > 0 then
          local live = {}
          local idle, persistentIdle = tonumber(ARGV[8]), tonumber(ARGV[9])
          for _, member in ipairs(redis.call('SMEMBERS', index)) do
            local ttl = redis.call('PTTL', prefix .. member)
            if ttl < 0 then
              redis.call('SREM', index, member)
            else
              local record = redis.call('GET', prefix .. member)
              local timeout = (record and string.find(record, '"isPersistent":true', 1, true)) and persistentIdle or idle
              live[#live + 1] = { member, ttl, ttl - timeout }
            end
          end
          if #live >= max then
            table.sort(live, function(a, b) return a[3] < b[3] end)
            for i = 1, #live - max + 1 do
              local key = prefix .. live[i][1]
              evicted[#evicted + 1] = live[i][1]
              evicted[#evicted + 1] = redis.call('GET', key)
              evicted[#evicted + 1] = live[i][2]
              redis.call('DEL', key)
              redis.call('SREM', index, live[i][1])
            end
          end
        end
        redis.call('SET', session, ARGV[3], 'PX', ARGV[4])
        redis.call('SADD', index, handle)
        -- The index lives as long as the latest absolute end of its sessions: a browser sign-in (8 hours)
        -- after a "Keep me signed in" one (30 days) must not shorten it, or the persistent session drops
        -- out of the listing, sign-out-everywhere, restamping and the limit. The expiry only ever grows:
        -- PEXPIRETIME (Redis 7.0) is -1 for an index SADD just made (no expiry), so that one gets it too.
        local ends = tonumber(ARGV[5])
        if redis.call('PEXPIRETIME', index) < ends then
          redis.call('PEXPIREAT', index, ends)
        end
        if max <= 0 then
          for _, member in ipairs(redis.call('SRANDMEMBER', index, sample)) do
            if member ~= handle and redis.call('EXISTS', prefix .. member) == 0 then
              redis.call('SREM', index, member)
            end
          end
        end
        return evicted
        """;

    /// <summary>
    /// Merges one request's changes into the session's data, atomically on the session's key (one slot).
    /// KEYS[1] = the session; ARGV[1] = "1" when the request cleared the data first, ARGV[2] = the byte
    /// limit, ARGV[3] = n, then n (key, base64 value) pairs it set, then the keys it removed. A session
    /// that is gone stays gone (0: never revived by a late commit); SET … KEEPTTL leaves its expiry alone.
    /// The size is counted as the app counts it (key bytes plus decoded value bytes); over the limit,
    /// nothing is written and the size comes back negative.
    /// </summary>
    private const string CommitDataScript = """
        local stored = redis.call('GET', KEYS[1])
        if not stored then return 0 end
        local cut = string.find(stored, '\n', 1, true)
        local record, data = stored, {}
        if cut then
          record = string.sub(stored, 1, cut - 1)
          if ARGV[1] ~= '1' then data = cjson.decode(string.sub(stored, cut + 1)) end
        end
        local sets = tonumber(ARGV[3])
        for i = 4, 3 + 2 * sets, 2 do data[ARGV[i]] = ARGV[i + 1] end
        for i = 4 + 2 * sets, #ARGV do data[ARGV[i]] = nil end
        local size, empty = 0, true
        for key, value in pairs(data) do
          empty = false
          local padding = 0
          if string.sub(value, -2) == '==' then padding = 2 elseif string.sub(value, -1) == '=' then padding = 1 end
          size = size + #key + #value / 4 * 3 - padding
        end
        if size > tonumber(ARGV[2]) then return -size end
        if empty then
          redis.call('SET', KEYS[1], record, 'KEEPTTL')
        else
          redis.call('SET', KEYS[1], record .. '\n' .. cjson.encode(data), 'KEEPTTL')
        end
        return 1
        """;

    /// <summary>
    /// Re-validation's write: the new record (ARGV[1]) over the stored one, keeping the data stored after
    /// it (a parallel request may have changed that since this one read it) and the expiry; 0 when gone.
    /// </summary>
    private const string UpdateScript = """
        local stored = redis.call('GET', KEYS[1])
        if not stored then return 0 end
        local cut = string.find(stored, '\n', 1, true)
        redis.call('SET', KEYS[1], cut and (ARGV[1] .. string.sub(stored, cut)) or ARGV[1], 'KEEPTTL')
        return 1
        """;

    private readonly ServerSessionOptions _options = options.Value;

    public string Name => "redis";

    public bool IsAvailable => redis.IsConnected;

    private IDatabase Db => redis.GetDatabase();

    public Task<IReadOnlyList<StoredSession>> CreateAsync(SessionId id, SessionRecord record, CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            var now = time.GetUtcNow();
            var tag = id.Tag;
            // One script in the user's slot: the limit check, the evictions, the prune and the insert
            // happen as one step, so racing sign-ins cannot overshoot Sessions:MaxPerUser.
            var result = (RedisResult[]?)await Db.ScriptEvaluateAsync(
                CreateScript,
                [UserKey(tag, record.UserId), SessionKey(id)],
                [
                    SessionKeyPrefix(tag),
                    id.Handle.Value,
                    Stored(record),
                    (long)InitialTtl(record).TotalMilliseconds,
                    record.AbsoluteExpiresAt.ToUnixTimeMilliseconds(),
                    _options.MaxPerUser,
                    PruneSample,
                    (long)_options.IdleTimeout.TotalMilliseconds,
                    (long)_options.PersistentIdleTimeout.TotalMilliseconds,
                ]);
            if (result is null || result.Length == 0)
            {
                return (IReadOnlyList<StoredSession>)[];
            }

            // The script returns (handle, record, PTTL) of each session it ended for the limit.
            var evicted = new List<StoredSession>(result.Length / 3);
            for (var i = 0; i + 2 < result.Length; i += 3)
            {
                var ended = Deserialize((RedisValue)result[i + 1]);
                if (SessionHandle.TryParse((string?)result[i], out var handle) && ended is not null)
                {
                    evicted.Add(Listed(handle, ended, TimeSpan.FromMilliseconds((long)result[i + 2]), now));
                }
            }

            return evicted;
        });

    public async Task<SessionRecord?> GetAndTouchAsync(SessionId id, CancellationToken cancellationToken = default)
    {
        RedisValue value;
        try
        {
            // GETEX … PX: read and slide the idle expiry in one command, the whole per-request cost. The id
            // says whether the session is persistent, so the expiry is right before the record is read.
            value = await Db.StringGetSetExpiryAsync(SessionKey(id), _options.IdleTimeoutFor(id.IsPersistent));
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
            if (await RemoveAsync(id, cancellationToken) is not null)
            {
                metrics?.SessionEnded(SessionEndReason.Absolute);
            }

            return null;
        }

        if (record.IsPersistent != id.IsPersistent)
        {
            // Rare path: an id made before ids carried the persistence bit got the other idle expiry.
            await Guard(() => Db.KeyExpireAsync(SessionKey(id), InitialTtl(record)));
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
            var tag = UserHashTag.Of(userId);
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
            var tag = UserHashTag.Of(userId);
            var userKey = UserKey(tag, userId);
            var handles = ParseHandles(await Db.SetMembersAsync(userKey));
            if (handles.Count == 0)
            {
                return (IReadOnlyList<StoredSession>)[];
            }

            // One pipelined round trip for every record and its remaining time to live (GET + PTTL each):
            // reading never slides an expiry, and the TTL tells when each session was last used.
            var batch = Db.CreateBatch();
            var values = new Task<RedisValue>[handles.Count];
            var ttls = new Task<TimeSpan?>[handles.Count];
            for (var i = 0; i < handles.Count; i++)
            {
                var key = SessionKey(tag, handles[i]);
                values[i] = batch.StringGetAsync(key);
                ttls[i] = batch.KeyTimeToLiveAsync(key);
            }

            batch.Execute();
            await Task.WhenAll(values);
            await Task.WhenAll(ttls);
            var now = time.GetUtcNow();
            var live = new List<StoredSession>(handles.Count);
            var stale = new List<RedisValue>();
            for (var i = 0; i < handles.Count; i++)
            {
                var value = values[i].Result;
                var record = value.IsNull ? null : Deserialize(value);
                if (record is not null && record.UserId == userId && record.AbsoluteExpiresAt > now && ttls[i].Result is { } ttl)
                {
                    live.Add(Listed(handles[i], record, ttl, now));
                }
                else
                {
                    stale.Add(handles[i].Value);
                }
            }

            // Idle expiry removes session keys without telling the set. Fire and forget, in chunks, so a
            // huge backlog of dead ids never becomes one long-blocking command or a wait for the page.
            foreach (var chunk in stale.Chunk(StaleChunk))
            {
                await Db.SetRemoveAsync(userKey, chunk, CommandFlags.FireAndForget);
            }

            return live.OrderByDescending(s => s.Record.CreatedAt).ToList();
        });

    public Task<IReadOnlyList<int>> CountByUsersAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken = default) =>
        Guard(() => RedisIndex.CountLiveMembersAsync(Db,
            [.. userIds.Select(userId => (UserKey(UserHashTag.Of(userId), userId), SessionKeyPrefix(UserHashTag.Of(userId))))]));

    public Task<int> RemoveAllByUserAsync(string userId, SessionId? except = null, CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            var tag = UserHashTag.Of(userId);
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

    public Task<bool> UpdateAsync(SessionId id, SessionRecord record, CancellationToken cancellationToken = default) =>
        // One script, SET … KEEPTTL inside: the idle expiry the last GETEX set stays, a session ended meanwhile
        // stays ended, and the data stays whatever the last commit left.
        Guard(async () => (long)await Db.ScriptEvaluateAsync(UpdateScript, [SessionKey(id)], [Serialize(record)]) == 1);

    public Task<(SessionDataCommit Outcome, int Size)> CommitDataAsync(
        SessionId id, SessionDataChanges changes, int maxBytes, CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            var sets = changes.Changes.Where(change => change.Value is not null).ToList();
            var arguments = new RedisValue[3 + 2 * sets.Count + (changes.Changes.Count - sets.Count)];
            arguments[0] = changes.Cleared ? "1" : "0";
            arguments[1] = maxBytes;
            arguments[2] = sets.Count;
            var at = 3;
            foreach (var (key, value) in sets)
            {
                arguments[at++] = key;
                arguments[at++] = Convert.ToBase64String(value!);
            }

            foreach (var (key, value) in changes.Changes)
            {
                if (value is null)
                {
                    arguments[at++] = key;
                }
            }

            var result = (long)await Db.ScriptEvaluateAsync(CommitDataScript, [SessionKey(id)], arguments);
            return result switch
            {
                1 => (SessionDataCommit.Stored, 0),
                0 => (SessionDataCommit.SessionGone, 0),
                _ => (SessionDataCommit.TooLarge, (int)-result),
            };
        });

    public Task<int> RestampAllByUserAsync(string userId, string replacedStamp, string newStamp, CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            var tag = UserHashTag.Of(userId);
            var handles = ParseHandles(await Db.SetMembersAsync(UserKey(tag, userId)));
            if (handles.Count == 0)
            {
                return 0;
            }

            var keys = handles.Select(handle => SessionKey(tag, handle)).ToArray();
            for (var attempt = 0; attempt < RestampAttempts; attempt++)
            {
                var values = await Db.StringGetAsync(keys);
                // One transaction in the user's slot, applied only if no record changed since it was read
                // (a re-validation writing back ValidatedAt, say): else read again and retry.
                var transaction = Db.CreateTransaction();
                var count = 0;
                for (var i = 0; i < keys.Length; i++)
                {
                    var record = values[i].IsNull ? null : Deserialize(values[i]);
                    if (record is null || record.UserId != userId || record.SecurityStamp != replacedStamp)
                    {
                        continue;
                    }

                    transaction.AddCondition(Condition.StringEqual(keys[i], values[i]));
                    _ = transaction.StringSetAsync(keys[i], Stored(record with { SecurityStamp = newStamp }),
                        expiry: null, keepTtl: true, when: When.Exists);
                    count++;
                }

                if (count == 0 || await transaction.ExecuteAsync())
                {
                    return count;
                }
            }

            throw new RedisException("The user's sessions kept changing while being re-stamped.");
        });

    private StoredSession Listed(SessionHandle handle, SessionRecord record, TimeSpan ttl, DateTimeOffset now)
    {
        // Every touch sets the TTL to the idle timeout, so what is gone of it is the time since the last use.
        var lastActive = now - (_options.IdleTimeoutFor(record.IsPersistent) - ttl);
        lastActive = lastActive < record.CreatedAt ? record.CreatedAt : lastActive > now ? now : lastActive;
        var endsAt = now + ttl;
        return new StoredSession(handle, record, lastActive, endsAt < record.AbsoluteExpiresAt ? endsAt : record.AbsoluteExpiresAt);
    }

    private TimeSpan InitialTtl(SessionRecord record)
    {
        var now = time.GetUtcNow();
        var ttl = record.IdleDeadline(now, _options.IdleTimeoutFor(record.IsPersistent)) - now;
        return ttl > TimeSpan.Zero ? ttl : TimeSpan.FromMilliseconds(1);
    }

    /// <summary>
    /// The per-request key: <c>P:{T}:s:H</c>, built in place, so the string is the only allocation (the
    /// handle's hash is memoised per id, see <see cref="SessionHandle.Of"/>).
    /// </summary>
    private RedisKey SessionKey(SessionId id) =>
        string.Create(
            _options.KeyPrefix.Length + ":{".Length + SessionId.TagLength + "}:s:".Length + SessionHandle.Length,
            (Prefix: _options.KeyPrefix, Id: id.Value, Handle: id.Handle.Value),
            static (destination, state) =>
            {
                var at = Append(destination, 0, state.Prefix);
                at = Append(destination, at, ":{");
                at = Append(destination, at, state.Id.AsSpan(0, SessionId.TagLength));
                at = Append(destination, at, "}:s:");
                Append(destination, at, state.Handle);
            });

    private RedisKey SessionKey(string tag, SessionHandle handle) => $"{_options.KeyPrefix}:{{{tag}}}:s:{handle.Value}";

    /// <summary><c>P:{T}:s:</c>: a session key of the user is this plus a handle, so in the user's slot.</summary>
    private string SessionKeyPrefix(string tag) => $"{_options.KeyPrefix}:{{{tag}}}:s:";

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

    /// <summary>The record's JSON alone.</summary>
    private static byte[] Serialize(SessionRecord record) =>
        JsonSerializer.SerializeToUtf8Bytes(record, SessionJsonContext.Default.SessionRecord);

    /// <summary>The record's JSON and its data, as the key holds them.</summary>
    private static byte[] Stored(SessionRecord record) =>
        record.Data.IsEmpty ? Serialize(record) : SessionDataFormat.Join(Serialize(record), record.Data.Span);

    private static SessionRecord? Deserialize(RedisValue value)
    {
        try
        {
            // The data stays bytes (a slice of the reply, no copy) until a page reads HttpContext.Session.
            var (json, data) = SessionDataFormat.Split((ReadOnlyMemory<byte>)value);
            var record = JsonSerializer.Deserialize(json.Span, SessionJsonContext.Default.SessionRecord);
            return data.IsEmpty || record is null ? record : record with { Data = data };
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
