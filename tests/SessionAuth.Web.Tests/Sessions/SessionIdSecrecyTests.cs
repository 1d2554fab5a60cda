using System.Net;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tests.Infrastructure;
using StackExchange.Redis;

namespace SessionAuth.Web.Tests.Sessions;

/// <summary>
/// Only the cookie holds a session id: not Redis (keys, index, values), not the log, not even while
/// Redis stalls and its client reports timeouts.
/// </summary>
public sealed class SessionIdSecrecyTests
{
    [Fact]
    public async Task NoRedisKeyIndexMemberOrValueHoldsTheSessionId()
    {
        await using var pair = await RedisAppPair.StartAsync();
        using var client = pair.App.CreateAppClient();
        var id = IdOf(await client.RegisterAndLoginAsync(Emails.Unique("secrecy")));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Dashboard")).StatusCode);

        var stored = await EverythingInRedisAsync(pair.Redis);

        Assert.Contains(stored, s => s == $"sa:{{{id.Tag}}}:s:{id.Handle.Value}");
        Assert.Contains(stored, s => s == id.Handle.Value);
        Assert.All(stored, s => Assert.DoesNotContain(id.Value[SessionId.TagLength..], s, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARedisStallLogsNeitherTheSessionIdNorTheKeyItLivesUnder()
    {
        // The product's timeout, so the stall ends in the client's timeout message within a second.
        await using var pair = await RedisAppPair.StartAsync(new Dictionary<string, string?> { ["Redis:OperationTimeout"] = "00:00:01" });
        using var client = pair.App.CreateAppClient();
        var id = IdOf(await client.RegisterAndLoginAsync(Emails.Unique("stall")));

        await pair.Redis.PauseAsync();
        HttpResponseMessage stalled;
        try
        {
            stalled = await client.GetAsync("/Dashboard");
        }
        finally
        {
            await pair.Redis.ResumeAsync();
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, stalled.StatusCode);
        var printed = pair.App.Logs.Entries.Select(e => $"{e.Message}\n{e.Exception}").ToList();
        var withData = pair.App.Logs.Entries.Select(RenderWithExceptionData).ToList();
        Assert.Contains(printed, l => l.Contains("RedisTimeoutException", StringComparison.Ordinal) && l.Contains("GETEX", StringComparison.Ordinal));
        // What a console or JSON formatter prints (message, exception chain) names no key at all.
        Assert.All(printed, l => Assert.DoesNotContain(id.Handle.Value, l, StringComparison.Ordinal));
        // The client always copies command and key into Exception.Data: there the key is only the hash.
        Assert.All(withData, l => Assert.DoesNotContain(id.Value[SessionId.TagLength..], l, StringComparison.Ordinal));
    }

    private static SessionId IdOf(string cookieValue)
    {
        Assert.True(SessionId.TryParse(cookieValue.Split('.')[0], out var id));
        return id;
    }

    /// <summary>Every key name, and every string value and set member, in the whole keyspace.</summary>
    private static async Task<List<string>> EverythingInRedisAsync(RedisServer redis)
    {
        var everything = new List<string>();
        await foreach (var key in redis.Admin.GetServer(redis.ConnectionString).KeysAsync(pattern: "*"))
        {
            everything.Add(key!);
            switch (await redis.Db.KeyTypeAsync(key))
            {
                case RedisType.String:
                    everything.Add(Convert.ToBase64String((byte[])(await redis.Db.StringGetAsync(key))!));
                    everything.Add((string)(await redis.Db.StringGetAsync(key))!);
                    break;
                case RedisType.Set:
                    everything.AddRange((await redis.Db.SetMembersAsync(key)).Select(m => (string)m!));
                    break;
                case RedisType.List:
                    everything.AddRange((await redis.Db.ListRangeAsync(key)).Select(m => (string)m!));
                    break;
            }
        }

        return everything;
    }

    /// <summary>A log entry as the most talkative sink could write it: message, exception chain and exception data.</summary>
    private static string RenderWithExceptionData(LogEntry entry)
    {
        var text = new System.Text.StringBuilder(entry.Message).AppendLine().Append(entry.Exception);
        for (var e = entry.Exception; e is not null; e = e.InnerException)
        {
            foreach (System.Collections.DictionaryEntry data in e.Data)
            {
                text.AppendLine().Append(data.Key).Append('=').Append(data.Value);
            }
        }

        return text.ToString();
    }
}
