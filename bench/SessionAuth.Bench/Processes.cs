using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SessionAuth.Bench.Hosting;
using StackExchange.Redis;

namespace SessionAuth.Bench;

/// <summary>Every process the bench starts, so that each one ends with the bench, however it ends.</summary>
internal sealed class ChildProcesses : IAsyncDisposable
{
    private readonly List<Process> _processes = [];
    private readonly Lock _gate = new();

    /// <summary>Starts a program from PATH with its output redirected; says how to install it when it is missing.</summary>
    public Process StartProgram(string program, IEnumerable<string> arguments, string debianPackage)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            return Start(start);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new BenchException(
                $"{program} is not on PATH: run scripts/bench.sh, which installs it, or apt-get install {debianPackage}.", ex);
        }
    }

    public Process Start(ProcessStartInfo start)
    {
        lock (_gate)
        {
            var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
            _processes.Add(process);
            return process;
        }
    }

    public void KillAll()
    {
        lock (_gate)
        {
            foreach (var process in _processes)
            {
                try
                {
                    if (!process.HasExited)
                    {
                        process.Kill(entireProcessTree: true);
                        process.WaitForExit(5_000);
                    }
                }
                catch (InvalidOperationException)
                {
                    // Already gone.
                }
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        KillAll();
        lock (_gate)
        {
            _processes.ForEach(p => p.Dispose());
            _processes.Clear();
        }

        return ValueTask.CompletedTask;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static TimeSpan CpuTime(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    /// <summary>The last lines a child wrote, for the message when it fails to start.</summary>
    public static string Tail(string path, int lines = 30)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return string.Join(Environment.NewLine, reader.ReadToEnd().Split('\n').TakeLast(lines));
        }
        catch (IOException)
        {
            return "(no output)";
        }
    }

    /// <summary>Sends what the child writes to a log file, so a full pipe never blocks it.</summary>
    public static void LogOutput(Process process, string path)
    {
        var log = new StreamWriter(path) { AutoFlush = true };
        var gate = new Lock();
        void Write(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (gate)
            {
                log.WriteLine(line);
            }
        }

        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.Exited += (_, _) =>
        {
            lock (gate)
            {
                log.Dispose();
            }
        };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }
}

/// <summary>A redis-server of the bench's own, on a free loopback port, with persistence off.</summary>
internal sealed class RedisProcess
{
    private readonly Process _process;

    private RedisProcess(string name, int port, ConnectionMultiplexer admin, Process process)
    {
        Name = name;
        Port = port;
        Admin = admin;
        _process = process;
    }

    /// <summary>CPU time redis-server has used so far (user + system).</summary>
    public TimeSpan CpuTime => ChildProcesses.CpuTime(_process);

    public string Name { get; }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>The bench's own client: INFO, MEMORY USAGE, filling sessions. Its commands are not counted.</summary>
    public ConnectionMultiplexer Admin { get; }

    public IServer Server => Admin.GetServer(ConnectionString);

    public static async Task<RedisProcess> StartAsync(ChildProcesses children, string name, string workDirectory)
    {
        var port = ChildProcesses.FreePort();
        var directory = Directory.CreateDirectory(Path.Combine(workDirectory, $"redis-{name}")).FullName;
        var process = children.StartProgram("redis-server",
        [
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--protected-mode", "no",
            "--dir", directory, "--save", "", "--appendonly", "no", "--daemonize", "no",
        ], "redis-server");

        var log = Path.Combine(workDirectory, $"redis-{name}.log");
        ChildProcesses.LogOutput(process, log);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (process.HasExited)
            {
                throw new BenchException($"redis-server ({name}) exited at start:{Environment.NewLine}{ChildProcesses.Tail(log)}");
            }

            try
            {
                var admin = await ConnectionMultiplexer.ConnectAsync(
                    $"127.0.0.1:{port},allowAdmin=true,abortConnect=true,connectTimeout=1000,syncTimeout=60000,asyncTimeout=60000");
                return new RedisProcess(name, port, admin, process);
            }
            catch (RedisConnectionException)
            {
                await Task.Delay(50);
            }
        }

        throw new BenchException($"redis-server ({name}) did not answer on port {port} within 10 s.");
    }

    /// <summary>Calls per command name, from INFO commandstats (e.g. ["getex"] = 1000).</summary>
    public async Task<Dictionary<string, long>> CommandCallsAsync()
    {
        var info = await Server.InfoRawAsync("commandstats") ?? "";
        var calls = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in info.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            // cmdstat_getex:calls=3,usec=10,...
            if (!line.StartsWith("cmdstat_", StringComparison.Ordinal))
            {
                continue;
            }

            var name = line["cmdstat_".Length..line.IndexOf(':', StringComparison.Ordinal)];
            var field = line.Split(',')[0];
            calls[name] = long.Parse(field[(field.IndexOf('=', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture);
        }

        return calls;
    }

    public async Task<long> UsedMemoryAsync()
    {
        var info = await Server.InfoRawAsync("memory") ?? "";
        var line = info.Split('\n', StringSplitOptions.TrimEntries).First(l => l.StartsWith("used_memory:", StringComparison.Ordinal));
        return long.Parse(line["used_memory:".Length..], CultureInfo.InvariantCulture);
    }

    public async Task<long> MemoryUsageAsync(RedisKey key)
    {
        var result = await Admin.GetDatabase().ExecuteAsync("MEMORY", "USAGE", key, "SAMPLES", "0");
        return result.IsNull ? 0 : (long)result;
    }

    public async Task<string> VersionAsync()
    {
        var info = await Server.InfoRawAsync("server") ?? "";
        var line = info.Split('\n', StringSplitOptions.TrimEntries).FirstOrDefault(l => l.StartsWith("redis_version:", StringComparison.Ordinal));
        return line?["redis_version:".Length..] ?? "?";
    }
}

/// <summary>A web server the bench loads with wrk: a copy of the app, or a Node peer (PeerProcess).</summary>
internal interface IServerProcess
{
    string Name { get; }

    string BaseUrl { get; }

    /// <summary>CPU time the server has used so far (user + system), all its processes.</summary>
    TimeSpan CpuTime { get; }
}

/// <summary>
/// A copy of the app in one mode: this bench's own executable with `--serve MODE --port N`, which
/// hosts the app's Program on Kestrel (Hosting/BenchApplication.cs). One process per mode.
/// </summary>
internal sealed class AppProcess : IServerProcess
{
    private readonly Process _process;
    private readonly string _log;

    private AppProcess(string name, int port, Process process, string log)
    {
        Name = name;
        Port = port;
        _process = process;
        _log = log;
    }

    /// <summary>CPU time the app has used so far (user + system); an app that has died says why.</summary>
    public TimeSpan CpuTime => _process.HasExited
        ? throw new BenchException($"The app ({Name}) exited with code {_process.ExitCode} during the run:{Environment.NewLine}{ChildProcesses.Tail(_log)}")
        : ChildProcesses.CpuTime(_process);

    public int ProcessId => _process.Id;

    public string Name { get; }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <param name="settings">Configuration ("Section:Key"), given as environment variables ("Section__Key").</param>
    public static AppProcess Start(
        ChildProcesses children, string name, AuthMode mode, string workDirectory,
        IReadOnlyDictionary<string, string> settings, out Func<CancellationToken, Task> waitUntilReady)
    {
        var port = ChildProcesses.FreePort();
        var dotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in new[] { typeof(AppProcess).Assembly.Location, "--serve", mode.Name(), "--port", port.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = children.Start(start);
        var log = Path.Combine(workDirectory, $"app-{name}.log");
        ChildProcesses.LogOutput(process, log);
        var app = new AppProcess(name, port, process, log);
        waitUntilReady = async cancellationToken =>
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(90))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (process.HasExited)
                {
                    throw new BenchException($"The app ({name}) exited at start with code {process.ExitCode}:{Environment.NewLine}{ChildProcesses.Tail(log)}");
                }

                try
                {
                    using var response = await http.GetAsync(new Uri($"{app.BaseUrl}/health/ready"), cancellationToken);
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    // Not listening yet.
                }

                await Task.Delay(100, cancellationToken);
            }

            throw new BenchException($"The app ({name}) was not ready within 90 s:{Environment.NewLine}{ChildProcesses.Tail(log)}");
        };
        return app;
    }
}

/// <summary>A failure with a message meant for the person running the bench.</summary>
internal sealed class BenchException(string message, Exception? innerException = null) : Exception(message, innerException);
