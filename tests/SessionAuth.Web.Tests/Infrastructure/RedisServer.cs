using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>
/// A real redis-server on a free loopback port, owned by one test class. It can be stopped and
/// started again on the same port, to test what the app does while Redis is away.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private const string InstallHint =
        "redis-server was not found on PATH. Install it (`sudo apt-get install -y redis-server`) " +
        "or run `scripts/test.sh`, which installs what the tests need.";

    private readonly bool _persistent;
    private readonly string _directory = Directory.CreateTempSubdirectory("sessionauth-redis-").FullName;
    private Process? _process;
    private ConnectionMultiplexer? _admin;

    private RedisServer(int port, bool persistent)
    {
        Port = port;
        _persistent = persistent;
    }

    public int Port { get; }

    /// <summary>What the app is given as ConnectionStrings:Redis.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>
    /// A client for tests to inspect Redis (keys, TTLs, INFO). Its own commands are not counted
    /// as the app's: tests that count commands subtract admin commands by name.
    /// </summary>
    public IConnectionMultiplexer Admin => _admin ?? throw new InvalidOperationException("Redis is not started.");

    public IDatabase Db => Admin.GetDatabase();

    /// <param name="persistent">Append-only file on, fsync always: data survives a stop and start.</param>
    public static async Task<RedisServer> StartAsync(bool persistent = false)
    {
        var server = new RedisServer(FreePort(), persistent);
        await server.StartProcessAsync();
        server._admin = await ConnectionMultiplexer.ConnectAsync(
            $"{server.ConnectionString},allowAdmin=true,abortConnect=false,connectTimeout=2000");
        return server;
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        _process = null;
    }

    public Task RestartAsync() => StartProcessAsync();

    /// <summary>Freezes the server (SIGSTOP): connections stay open and nothing answers, as in a stall.</summary>
    public Task PauseAsync() => SignalAsync("-STOP");

    /// <summary>Lets a paused server run again (SIGCONT); it answers what queued meanwhile.</summary>
    public Task ResumeAsync() => SignalAsync("-CONT");

    /// <summary>Calls per command name from INFO commandstats, e.g. ["getex"] = 3.</summary>
    public async Task<IReadOnlyDictionary<string, long>> CommandCallsAsync()
    {
        var info = await Admin.GetServer(ConnectionString).InfoRawAsync("commandstats");
        var calls = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in info!.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            // cmdstat_getex:calls=3,usec=10,...
            if (!line.StartsWith("cmdstat_", StringComparison.Ordinal))
            {
                continue;
            }

            var name = line["cmdstat_".Length..line.IndexOf(':', StringComparison.Ordinal)];
            var callsField = line.Split(',')[0];
            calls[name] = long.Parse(callsField[(callsField.IndexOf('=', StringComparison.Ordinal) + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        }

        return calls;
    }

    public Task ResetStatsAsync() => Admin.GetServer(ConnectionString).ConfigResetStatisticsAsync();

    public async ValueTask DisposeAsync()
    {
        if (_admin is not null)
        {
            await _admin.DisposeAsync();
        }

        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    private async Task SignalAsync(string signal)
    {
        var pid = _process?.Id ?? throw new InvalidOperationException("Redis is not running.");
        using var kill = Process.Start("kill", [signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {pid} exited with code {kill.ExitCode}.");
        }
    }

    private async Task StartProcessAsync()
    {
        var arguments = new List<string>
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--dir", _directory, "--save", "", "--daemonize", "no", "--protected-mode", "no",
            "--appendonly", _persistent ? "yes" : "no", "--appendfsync", "always",
        };
        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        arguments.ForEach(start.ArgumentList.Add);

        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException(InstallHint);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException(InstallHint, ex);
        }

        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited at start with code {_process.ExitCode} (port {Port}).");
            }

            if (await AnswersPingAsync())
            {
                return;
            }

            await Task.Delay(25);
        }

        throw new InvalidOperationException($"redis-server did not answer PING on port {Port} within 10 s.");
    }

    private async Task<bool> AnswersPingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer);
            // While loading the append-only file Redis answers -LOADING: not ready yet.
            return read > 0 && System.Text.Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
