using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>
/// Redis's own log of every command it runs (<c>MONITOR</c>), on a connection of its own. Each line names
/// who sent the command: a client's address, or <c>lua</c> for what a script runs inside itself, which is
/// no round trip of the app's and is left out of <see cref="RoundTrips"/>.
/// </summary>
public sealed partial class RedisMonitor : IAsyncDisposable
{
    // The tests' own admin client and the client library's upkeep, not a request's round trips.
    private static readonly HashSet<string> Upkeep = new(StringComparer.OrdinalIgnoreCase)
    {
        "info", "config", "ping", "echo", "client", "cluster", "subscribe", "hello", "command", "select", "role", "sentinel", "monitor",
    };

    private readonly TcpClient _client;
    private readonly Task _reading;
    private readonly List<(string Client, string Command)> _lines = [];

    private RedisMonitor(TcpClient client)
    {
        _client = client;
        _reading = ReadAsync(new StreamReader(client.GetStream(), Encoding.UTF8));
    }

    public static async Task<RedisMonitor> StartAsync(RedisServer redis)
    {
        var client = new TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, redis.Port);
        await client.GetStream().WriteAsync("MONITOR\r\n"u8.ToArray());
        var monitor = new RedisMonitor(client);
        // MONITOR answers +OK before it logs anything; a PING afterwards shows the log is running.
        for (var i = 0; i < 100 && !monitor.Seen("ping"); i++)
        {
            await redis.Db.PingAsync();
            await Task.Delay(20);
        }

        return monitor;
    }

    /// <summary>The command names the app sent (upper case), in order, once Redis has been quiet for a moment; script internals left out.</summary>
    public async Task<IReadOnlyList<string>> RoundTripsAsync()
    {
        var count = -1;
        for (var i = 0; i < 50 && Count() != count; i++)
        {
            count = Count();
            await Task.Delay(100);
        }

        lock (_lines)
        {
            return _lines.Where(line => line.Client != "lua" && !Upkeep.Contains(line.Command)).Select(line => line.Command.ToUpperInvariant()).ToList();
        }
    }

    /// <summary>Every command the scripts ran inside themselves.</summary>
    public IReadOnlyList<string> ScriptInternals()
    {
        lock (_lines)
        {
            return _lines.Where(line => line.Client == "lua").Select(line => line.Command.ToUpperInvariant()).ToList();
        }
    }

    public void Clear()
    {
        lock (_lines)
        {
            _lines.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        try
        {
            await _reading;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
            // The connection is closed on purpose.
        }
    }

    private int Count()
    {
        lock (_lines)
        {
            return _lines.Count;
        }
    }

    private bool Seen(string command)
    {
        lock (_lines)
        {
            return _lines.Any(line => string.Equals(line.Command, command, StringComparison.OrdinalIgnoreCase));
        }
    }

    private async Task ReadAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            // +1700000000.123456 [0 127.0.0.1:50000] "GETEX" "sa:{abcd}:s:…" "PX" "1200000"   (or [0 lua] inside a script)
            var match = Line().Match(line);
            if (match.Success)
            {
                lock (_lines)
                {
                    _lines.Add((match.Groups["client"].Value, match.Groups["command"].Value));
                }
            }
        }
    }

    [GeneratedRegex(@"^\+\d+\.\d+ \[\d+ (?<client>[^\]]+)\] ""(?<command>[^""]+)""")]
    private static partial Regex Line();
}
