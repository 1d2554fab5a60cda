using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace SessionAuth.Bench;

/// <summary>
/// Round trips to Redis as Redis logs them (<c>MONITOR</c>): each command a client sent, without what a
/// script runs inside itself (logged as client <c>lua</c>), which INFO commandstats counts as calls too.
/// </summary>
internal sealed partial class RedisMonitor : IAsyncDisposable
{
    private static readonly string[] Upkeep = ["info", "ping", "echo", "client", "cluster", "config", "subscribe", "hello", "command", "select", "role", "sentinel", "memory", "monitor"];

    private readonly TcpClient _client = new();
    private readonly Dictionary<string, long> _commands = new(StringComparer.OrdinalIgnoreCase);
    private Task? _reading;

    public static async Task<RedisMonitor> StartAsync(RedisProcess redis, CancellationToken cancellationToken)
    {
        var monitor = new RedisMonitor();
        await monitor._client.ConnectAsync(System.Net.IPAddress.Loopback, redis.Port, cancellationToken);
        await monitor._client.GetStream().WriteAsync("MONITOR\r\n"u8.ToArray(), cancellationToken);
        monitor._reading = monitor.ReadAsync(new StreamReader(monitor._client.GetStream(), Encoding.UTF8));
        // The log runs once a PING shows up in it.
        for (var i = 0; i < 100 && monitor.Calls("ping") == 0; i++)
        {
            await redis.Admin.GetDatabase().PingAsync();
            await Task.Delay(20, cancellationToken);
        }

        return monitor;
    }

    /// <summary>Commands by name that clients sent (script internals and upkeep left out), once Redis has been quiet for 100 ms.</summary>
    public async Task<Dictionary<string, long>> SettledAsync(CancellationToken cancellationToken)
    {
        var total = -1L;
        for (var i = 0; i < 30 && Total() != total; i++)
        {
            total = Total();
            await Task.Delay(100, cancellationToken);
        }

        lock (_commands)
        {
            return _commands.Where(c => !Upkeep.Contains(c.Key.ToLowerInvariant())).ToDictionary(c => c.Key, c => c.Value, StringComparer.OrdinalIgnoreCase);
        }
    }

    public void Reset()
    {
        lock (_commands)
        {
            _commands.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        try
        {
            await (_reading ?? Task.CompletedTask);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
            // Closed on purpose.
        }
    }

    private long Calls(string command)
    {
        lock (_commands)
        {
            return _commands.GetValueOrDefault(command);
        }
    }

    private long Total()
    {
        lock (_commands)
        {
            return _commands.Values.Sum();
        }
    }

    private async Task ReadAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            // +1700000000.123456 [0 127.0.0.1:50000] "GETEX" "sa:{abcd}:s:…" …   ([0 lua] inside a script)
            if (Line().Match(line) is { Success: true } match && match.Groups["client"].Value != "lua")
            {
                lock (_commands)
                {
                    var name = match.Groups["command"].Value.ToLowerInvariant();
                    _commands[name] = _commands.GetValueOrDefault(name) + 1;
                }
            }
        }
    }

    [GeneratedRegex(@"^\+\d+\.\d+ \[\d+ (?<client>[^\]]+)\] ""(?<command>[^""]+)""")]
    private static partial Regex Line();
}
