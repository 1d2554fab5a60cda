using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace SessionAuth.Bench;

/// <summary>
/// The Node peers of bench/peers (express.js, fastify.js): whether they can run here, installing their
/// packages with `npm ci` when node and npm are present. Optional: without node the bench skips them.
/// </summary>
internal sealed record PeerSetup(string? NodeVersion, string? SkipReason)
{
    public const int MinimumNodeMajor = 20;

    // The peers' packages (fastify 5, redis 5, connect-redis 9) need Node 20: the number in the text below.
    public const string HowToGetThem =
        "install Node.js 20 or later with npm and run again (the bench runs `npm ci --prefix bench/peers` itself); `--no-peers` leaves them out";

    public static async Task<PeerSetup> PrepareAsync(string directory, ChildProcesses children, CancellationToken cancellationToken)
    {
        var node = await RunAsync(children, "node", ["--version"], directory, TimeSpan.FromSeconds(30), cancellationToken);
        if (node is null)
        {
            return Skip("node is not on PATH");
        }

        var version = node.Value.Output.Trim();
        if (node.Value.ExitCode != 0
            || !int.TryParse(version.TrimStart('v').Split('.')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major))
        {
            return Skip($"`node --version` answered {node.Value.ExitCode}: {version}");
        }

        if (major < MinimumNodeMajor)
        {
            return Skip($"node {version} is older than {MinimumNodeMajor}");
        }

        if (!Installed(directory))
        {
            var npm = await RunAsync(children, "npm", ["ci", "--prefix", directory, "--no-audit", "--no-fund"], directory, TimeSpan.FromMinutes(5), cancellationToken);
            if (npm is null)
            {
                return Skip("npm is not on PATH, and bench/peers/node_modules is not installed");
            }

            if (npm.Value.ExitCode != 0)
            {
                return Skip($"`npm ci --prefix bench/peers` failed (exit {npm.Value.ExitCode}): {Last(npm.Value.Output, 5)}");
            }
        }

        return new PeerSetup(version, null);
    }

    /// <summary>The version npm installed of a package, e.g. "5.3.0" for express.</summary>
    public static string InstalledVersion(string directory, string package)
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "node_modules", package, "package.json")));
            return json.RootElement.GetProperty("version").GetString() ?? "?";
        }
        catch (Exception ex) when (ex is IOException or JsonException or KeyNotFoundException)
        {
            return "?";
        }
    }

    private static PeerSetup Skip(string reason) => new(null, $"{reason}; {HowToGetThem}.");

    /// <summary>`npm ci` leaves node_modules/.package-lock.json; installed means it is there and not older than the lock file.</summary>
    private static bool Installed(string directory)
    {
        var installed = new FileInfo(Path.Combine(directory, "node_modules", ".package-lock.json"));
        var locked = new FileInfo(Path.Combine(directory, "package-lock.json"));
        return installed.Exists && installed.LastWriteTimeUtc >= locked.LastWriteTimeUtc;
    }

    /// <summary>Runs a program to its end within <paramref name="timeout"/>; null when it is not on PATH.</summary>
    private static async Task<(int ExitCode, string Output)?> RunAsync(
        ChildProcesses children, string program, string[] arguments, string directory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = children.Start(start);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }

        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            return (-1, $"{program} did not finish within {timeout.TotalSeconds:0} s");
        }

        return (process.ExitCode, (await output) + (await errors));
    }

    private static string Last(string text, int lines) =>
        string.Join(" ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(lines));
}

/// <summary>
/// One Node peer: `node express.js|fastify.js --port N --redis URL --workers 2` in bench/peers, a cluster
/// primary and its workers on 127.0.0.1. It prints `ready: …` once every worker listens.
/// </summary>
internal sealed class PeerProcess : IServerProcess
{
    public const string DashboardPath = "/Dashboard";
    public const string LoginPath = "/login";
    public const int Workers = 2;

    private readonly Process _primary;
    private Process[] _workers = [];

    private PeerProcess(string name, int port, Process primary)
    {
        Name = name;
        Port = port;
        _primary = primary;
    }

    public string Name { get; }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>The primary's CPU time and its workers': where the requests are served.</summary>
    public TimeSpan CpuTime => _workers.Aggregate(ChildProcesses.CpuTime(_primary), (sum, worker) => sum + ChildProcesses.CpuTime(worker));

    public static async Task<PeerProcess> StartAsync(
        ChildProcesses children, string name, string directory, RedisProcess redis, string workDirectory, CancellationToken cancellationToken)
    {
        var port = ChildProcesses.FreePort();
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var argument in new[]
        {
            Path.Combine(directory, name + ".js"), "--port", port.ToString(CultureInfo.InvariantCulture),
            "--redis", $"redis://{redis.ConnectionString}", "--workers", Workers.ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["NODE_ENV"] = "production";
        var process = children.Start(start);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("ready:", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        var log = Path.Combine(workDirectory, $"peer-{name}.log");
        ChildProcesses.LogOutput(process, log);

        var clock = Stopwatch.StartNew();
        while (!ready.Task.IsCompleted)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new BenchException($"The Node peer {name} exited at start with code {process.ExitCode}:{Environment.NewLine}{ChildProcesses.Tail(log)}");
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new BenchException($"The Node peer {name} was not ready within 60 s:{Environment.NewLine}{ChildProcesses.Tail(log)}");
            }

            await Task.WhenAny(ready.Task, Task.Delay(100, cancellationToken));
        }

        var peer = new PeerProcess(name, port, process);
        peer._workers = ChildrenOf(process.Id).Select(Process.GetProcessById).ToArray();
        if (peer._workers.Length != Workers)
        {
            throw new BenchException($"The Node peer {name} has {peer._workers.Length} worker processes, not {Workers}.");
        }

        return peer;
    }

    /// <summary>Ids of a process's children, from /proc (Linux): each /proc/PID/stat names its parent.</summary>
    private static IEnumerable<int> ChildrenOf(int parent)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            // "pid (comm) state ppid …"; comm may hold spaces and parentheses, so read after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 1 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ppid) && ppid == parent)
            {
                yield return pid;
            }
        }
    }
}
