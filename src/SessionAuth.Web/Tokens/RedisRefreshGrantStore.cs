using System.Globalization;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Sessions;
using StackExchange.Redis;

namespace SessionAuth.Web.Tokens;

/// <summary>
/// Refresh grants in Redis, in the user's hash slot beside the sessions (P = Sessions:KeyPrefix,
/// T = the user tag, H = the <see cref="GrantHandle"/>):
/// <list type="bullet">
/// <item><c>P:{T}:g:H</c> — hash: id, uid, stamp (the user's security stamp), created, last, abs (unix ms),
/// ip, ua, cur (SHA-256 of the current token) and one <c>r:&lt;hash&gt;</c> field per rotated token; TTL =
/// the idle lifetime, never past the absolute end. A grant stored before grants had a stamp has none.</item>
/// <item><c>P:{T}:gu:&lt;user id&gt;</c> — set of the user's grant handles, TTL = newest absolute end.</item>
/// </list>
/// Rotation is one Lua script on one key, so two refreshes racing with the same token cannot both win,
/// and it works on Redis Cluster. Redis holds no token, only hashes.
/// </summary>
internal sealed class RedisRefreshGrantStore(
    IConnectionMultiplexer redis,
    IOptions<ServerSessionOptions> sessions,
    IOptions<TokenOptions> tokens,
    TimeProvider time) : IRefreshGrantStore
{
    // Returns {1, uid, id, stamp} rotated, {2, uid, id} reused (the grant has ended), {0} refused. Times in unix ms.
    // A missing stamp is Lua false, which keeps its place in the reply as a nil.
    private static readonly LuaScript Rotate = LuaScript.Prepare("""
        local f = redis.call('HMGET', @grant, 'cur', 'abs', 'uid', 'id', 'stamp', 'amr')
        if not f[1] then return {0} end
        local now = tonumber(@now)
        local abs = tonumber(f[2])
        if abs <= now then
          redis.call('DEL', @grant)
          return {0}
        end
        if f[1] == @presented then
          redis.call('HSET', @grant, 'cur', @successor, 'r:' .. @presented, '1', 'last', @now)
          redis.call('PEXPIRE', @grant, math.min(tonumber(@idle), abs - now))
          return {1, f[3], f[4], f[5], f[6]}
        end
        if redis.call('HEXISTS', @grant, 'r:' .. @presented) == 1 then
          redis.call('DEL', @grant)
          return {2, f[3], f[4]}
        end
        return {0}
        """);

    // Ends the grant a current or rotated token belongs to.
    private static readonly LuaScript RevokeByToken = LuaScript.Prepare("""
        local cur = redis.call('HGET', @grant, 'cur')
        if not cur then return 0 end
        if cur == @presented or redis.call('HEXISTS', @grant, 'r:' .. @presented) == 1 then
          redis.call('DEL', @grant)
          return 1
        end
        return 0
        """);

    // Ends a grant only for its own user; the index forgets the handle either way.
    private static readonly LuaScript RevokeByHandle = LuaScript.Prepare("""
        local uid = redis.call('HGET', @grant, 'uid')
        redis.call('SREM', @index, @handle)
        if uid == @userId then
          redis.call('DEL', @grant)
          return 1
        end
        return 0
        """);

    // KEYS: the user's grants (one hash slot). Moves those whose stamp is ARGV[1] to ARGV[2].
    private const string RestampScript = """
        local n = 0
        for _, grant in ipairs(KEYS) do
          if redis.call('HGET', grant, 'stamp') == ARGV[1] then
            redis.call('HSET', grant, 'stamp', ARGV[2])
            n = n + 1
          end
        end
        return n
        """;

    private readonly string _prefix = sessions.Value.KeyPrefix;
    private readonly TokenOptions _options = tokens.Value;

    public string Name => "redis";

    private IDatabase Db => redis.GetDatabase();

    public Task<RefreshToken> CreateAsync(RefreshGrant grant, CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            var tag = UserHashTag.Of(grant.UserId);
            var handle = grant.Handle;
            var token = RefreshToken.New(tag, handle);
            var absolute = grant.CreatedAt + _options.RefreshAbsoluteLifetime;
            var key = GrantKey(tag, handle);
            var index = IndexKey(tag, grant.UserId);
            var transaction = Db.CreateTransaction();
            _ = transaction.HashSetAsync(key,
            [
                new("id", grant.Id), new("uid", grant.UserId), new("stamp", grant.SecurityStamp),
                new("created", Ms(grant.CreatedAt)), new("last", Ms(grant.CreatedAt)), new("abs", Ms(absolute)),
                new("ip", grant.ClientIp ?? ""), new("ua", grant.UserAgent ?? ""), new("cur", token.Hash()),
                new("amr", string.Join(' ', grant.Amr ?? [])),
            ]);
            _ = transaction.KeyExpireAsync(key, Min(_options.RefreshIdleLifetime, _options.RefreshAbsoluteLifetime));
            _ = transaction.SetAddAsync(index, handle.Value);
            // The newest grant ends last, so its absolute end bounds the index.
            _ = transaction.KeyExpireAsync(index, absolute.UtcDateTime);
            await transaction.ExecuteAsync();
            return token;
        });

    public Task<RefreshResult> RotateAsync(RefreshToken token, CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            var successor = RefreshToken.New(token.Tag, token.Handle);
            var result = (RedisResult[])(await Db.ScriptEvaluateAsync(Rotate, new
            {
                grant = GrantKey(token.Tag, token.Handle),
                presented = token.Hash(),
                successor = successor.Hash(),
                now = Ms(time.GetUtcNow()),
                idle = (long)_options.RefreshIdleLifetime.TotalMilliseconds,
            }))!;
            return (int)result[0] switch
            {
                1 => new RefreshResult(RefreshOutcome.Rotated, (string?)result[1], (string?)result[2], successor, (string?)result[3], Methods(result[4])),
                2 => new RefreshResult(RefreshOutcome.Reused, (string?)result[1], (string?)result[2]),
                _ => RefreshResult.Refused,
            };
        });

    public Task<bool> RevokeAsync(RefreshToken token, CancellationToken cancellationToken = default) =>
        Guard(async () => (int)await Db.ScriptEvaluateAsync(RevokeByToken, new
        {
            grant = GrantKey(token.Tag, token.Handle),
            presented = token.Hash(),
        }) == 1);

    public Task<bool> ExistsAsync(string userId, string grantId, CancellationToken cancellationToken = default) =>
        Guard(() => Db.KeyExistsAsync(GrantKey(UserHashTag.Of(userId), GrantHandle.Of(grantId))));

    public Task<string?> StampOfAsync(string userId, string grantId, CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            var values = await Db.HashGetAsync(GrantKey(UserHashTag.Of(userId), GrantHandle.Of(grantId)), ["uid", "stamp"]);
            return (string?)values[0] == userId ? Text(values[1]) : null;
        });

    public Task<IReadOnlyList<GrantSummary>> ListByUserAsync(string userId, CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            var tag = UserHashTag.Of(userId);
            var index = IndexKey(tag, userId);
            var handles = ParseHandles(await Db.SetMembersAsync(index));
            if (handles.Count == 0)
            {
                return (IReadOnlyList<GrantSummary>)[];
            }

            var batch = Db.CreateBatch();
            RedisValue[] fields = ["uid", "created", "last", "abs", "ip", "ua", "amr"];
            var reads = handles.Select(handle => batch.HashGetAsync(GrantKey(tag, handle), fields)).ToList();
            batch.Execute();
            var now = time.GetUtcNow();
            var live = new List<GrantSummary>(handles.Count);
            var stale = new List<RedisValue>();
            for (var i = 0; i < handles.Count; i++)
            {
                var values = await reads[i];
                if ((string?)values[0] == userId && FromMs(values[3]) > now)
                {
                    live.Add(new GrantSummary(handles[i], Text(values[5]), Text(values[4]), FromMs(values[1]), FromMs(values[2]), Methods(values[6])));
                }
                else
                {
                    stale.Add(handles[i].Value);
                }
            }

            if (stale.Count > 0)
            {
                // Expiry, reuse and revoke-by-token end grants without telling the index.
                await Db.SetRemoveAsync(index, stale.ToArray(), CommandFlags.FireAndForget);
            }

            return live.OrderByDescending(grant => grant.CreatedAt).ToList();
        });

    public Task<IReadOnlyList<int>> CountByUsersAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken = default) =>
        Guard(() => RedisIndex.CountLiveMembersAsync(Db,
            [.. userIds.Select(userId => (IndexKey(UserHashTag.Of(userId), userId), $"{_prefix}:{{{UserHashTag.Of(userId)}}}:g:"))]));

    public Task<bool> RevokeByHandleAsync(string userId, GrantHandle handle, CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            var tag = UserHashTag.Of(userId);
            return (int)await Db.ScriptEvaluateAsync(RevokeByHandle, new
            {
                grant = GrantKey(tag, handle),
                index = IndexKey(tag, userId),
                handle = handle.Value,
                userId,
            }) == 1;
        });

    public Task<int> RevokeAllByUserAsync(string userId, CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            var tag = UserHashTag.Of(userId);
            var index = IndexKey(tag, userId);
            var handles = ParseHandles(await Db.SetMembersAsync(index));
            if (handles.Count == 0)
            {
                return 0;
            }

            // One slot, one transaction. SREM of the listed members keeps a grant created meanwhile.
            var transaction = Db.CreateTransaction();
            var deleted = transaction.KeyDeleteAsync(handles.Select(handle => GrantKey(tag, handle)).ToArray());
            _ = transaction.SetRemoveAsync(index, handles.Select(handle => (RedisValue)handle.Value).ToArray());
            await transaction.ExecuteAsync();
            return (int)await deleted;
        });

    public Task<int> RestampAllByUserAsync(string userId, string replacedStamp, string newStamp, CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            var tag = UserHashTag.Of(userId);
            var handles = ParseHandles(await Db.SetMembersAsync(IndexKey(tag, userId)));
            if (handles.Count == 0)
            {
                return 0;
            }

            var keys = handles.Select(handle => GrantKey(tag, handle)).ToArray();
            return (int)await Db.ScriptEvaluateAsync(RestampScript, keys, [replacedStamp, newStamp]);
        });

    internal RedisKey GrantKey(string tag, GrantHandle handle) => $"{_prefix}:{{{tag}}}:g:{handle.Value}";

    internal RedisKey IndexKey(string tag, string userId) => $"{_prefix}:{{{tag}}}:gu:{userId}";

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    private static DateTimeOffset FromMs(RedisValue value) =>
        long.TryParse((string?)value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : DateTimeOffset.MinValue;

    private static string? Text(RedisValue value) => value.IsNullOrEmpty ? null : (string?)value;

    /// <summary>The grant's sign-in methods, stored space-separated (none for a grant stored before they were).</summary>
    private static string[] Methods(RedisValue value) =>
        value.IsNullOrEmpty ? [] : ((string)value!).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static string[] Methods(RedisResult result) => result.IsNull ? [] : Methods((RedisValue)result);

    private static List<GrantHandle> ParseHandles(RedisValue[] members)
    {
        var handles = new List<GrantHandle>(members.Length);
        foreach (var member in members)
        {
            if (GrantHandle.TryParse((string?)member, out var handle))
            {
                handles.Add(handle);
            }
        }

        return handles;
    }

    private static async Task<T> Guard<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new SessionStoreUnavailableException("The Redis grant store is unavailable.", ex);
        }
    }
}
