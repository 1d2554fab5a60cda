using StackExchange.Redis;

namespace SessionAuth.Web.Infrastructure;

/// <summary>What the per-user indexes in Redis (a set of handles beside the keys they name) share.</summary>
public static class RedisIndex
{
    /// <summary>
    /// KEYS[1] = a user's index (a set of handles); ARGV[1] = the prefix that makes a member its key, in the
    /// index's hash slot (the same {T} tag), so the script stays in one slot on Redis Cluster. Returns how many
    /// members' keys still exist. Reads only: pruning gone members is the listing's job.
    /// </summary>
    private const string CountLiveMembersScript = """
        local n = 0
        for _, member in ipairs(redis.call('SMEMBERS', KEYS[1])) do
          n = n + redis.call('EXISTS', ARGV[1] .. member)
        end
        return n
        """;

    /// <summary>
    /// How many live members each index has, in the order given: one pipeline (a script per index, each routed
    /// to its own slot), so one round trip whatever the number of users.
    /// </summary>
    public static async Task<IReadOnlyList<int>> CountLiveMembersAsync(IDatabase db, IReadOnlyList<(RedisKey Index, string MemberKeyPrefix)> indexes)
    {
        if (indexes.Count == 0)
        {
            return [];
        }

        var batch = db.CreateBatch();
        var counts = indexes.Select(index => batch.ScriptEvaluateAsync(CountLiveMembersScript, [index.Index], [index.MemberKeyPrefix])).ToList();
        batch.Execute();
        var results = await Task.WhenAll(counts);
        return results.Select(result => (int)result).ToList();
    }
}
