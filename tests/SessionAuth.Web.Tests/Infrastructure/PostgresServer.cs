using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL server (Debian's <c>postgresql</c> package) on a free loopback port, in a
/// temporary data folder, shared by every test of this process: initdb and start cost seconds, a
/// database costs milliseconds, so each test class gets a database of its own
/// (<see cref="CreateDatabaseAsync"/>). It runs as its own user: <c>postgres</c> (through runuser)
/// when the tests run as root, which PostgreSQL refuses to be; else the current user. It is stopped
/// when the test process exits (by a watchdog shell, should the process end abruptly).
/// </summary>
public sealed class PostgresServer
{
    private const string InstallHint =
        "PostgreSQL was not found (no /usr/lib/postgresql/<version>/bin/initdb). Run `bash scripts/test.sh`, which installs it " +
        "(Debian's `postgresql` package), or `sudo apt-get install -y postgresql`.";

    private static readonly SemaphoreSlim StartGate = new(1, 1);
    private static PostgresServer? _shared;

    private readonly string _bin;
    private readonly string _directory;
    private readonly string? _runAs;

    private PostgresServer(string bin, string directory, string? runAs, int port)
    {
        _bin = bin;
        _directory = directory;
        _runAs = runAs;
        Port = port;
    }

    public int Port { get; }

    private string DataDirectory => Path.Combine(_directory, "data");

    /// <summary>The process's server, started on first use.</summary>
    public static async Task<PostgresServer> SharedAsync()
    {
        await StartGate.WaitAsync();
        try
        {
            if (_shared is null)
            {
                _shared = await StartAsync();
                AppDomain.CurrentDomain.ProcessExit += (_, _) => _shared.Stop();
            }

            return _shared;
        }
        finally
        {
            StartGate.Release();
        }
    }

    /// <summary>An Npgsql connection string for a database on this server.</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=15;Command Timeout=30";

    /// <summary>Creates an empty database (no tables: the app migrates it) and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string purpose)
    {
        var name = $"sa_{Guid.NewGuid():N}_{purpose}".ToLowerInvariant();
        name = name[..Math.Min(name.Length, 63)];
        await ExecuteAsync($"CREATE DATABASE \"{name}\"");
        return ConnectionString(name);
    }

    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        using (var pooled = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        await ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<PostgresServer> StartAsync()
    {
        var bin = FindBinaries() ?? throw new InvalidOperationException(InstallHint);
        // PostgreSQL will not run as root; Debian's package creates the postgres user for it.
        var runAs = Environment.IsPrivilegedProcess ? "postgres" : null;
        var directory = Directory.CreateTempSubdirectory("sessionauth-postgres-").FullName;
        if (runAs is not null)
        {
            await RunAsync("chown", [runAs, directory], runAs: null);
        }

        var server = new PostgresServer(bin, directory, runAs, FreePort());
        // trust on loopback only, no fsync: a throwaway server for tests, not a setup to copy.
        await server.RunToolAsync("initdb", ["-D", server.DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
        var options = string.Join(' ',
            $"-k {directory} -h 127.0.0.1 -p {server.Port.ToString(CultureInfo.InvariantCulture)}",
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=500");
        await server.RunToolAsync("pg_ctl", ["-D", server.DataDirectory, "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60", "-o", options, "start"]);
        server.StartWatchdog();
        return server;
    }

    /// <summary>
    /// The test host may be ended before its exit handlers finish (or crash): a small shell waits
    /// for it to go, then stops the server if it still runs and deletes the temp folder.
    /// </summary>
    private void StartWatchdog()
    {
        const string script = """
            exec </dev/null >/dev/null 2>&1
            while kill -0 "$1" 2>/dev/null; do sleep 1; done
            if [ -n "$5" ]; then runuser -u "$5" -- "$2/pg_ctl" -D "$3" -m immediate stop; else "$2/pg_ctl" -D "$3" -m immediate stop; fi
            rm -rf "$4"
            """;
        var start = new ProcessStartInfo("sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (var argument in new[] { "-c", script, "sh", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), _bin, DataDirectory, _directory, _runAs ?? "" })
        {
            start.ArgumentList.Add(argument);
        }

        using var _ = Process.Start(start);
    }

    private void Stop()
    {
        try
        {
            // The watchdog (StartWatchdog) deletes the folder once this process is gone.
            RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], _runAs).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or OperationCanceledException)
        {
            // Stopping is the watchdog's job too; an exit handler must not throw.
        }
    }

    private Task RunToolAsync(string tool, IReadOnlyList<string> arguments) => RunAsync(Path.Combine(_bin, tool), arguments, _runAs);

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, string? runAs)
    {
        var start = new ProcessStartInfo(runAs is null ? program : "runuser")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The postgres user cannot enter root's working folder; "/" is open to everyone.
            WorkingDirectory = "/",
        };
        if (runAs is not null)
        {
            foreach (var argument in new[] { "-u", runAs, "--", program })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        // pg_ctl's server inherits stdout unless -l is given (it is), so reading to the end returns.
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited with code {process.ExitCode}: {await error}{await output}");
        }
    }

    /// <summary>The newest installed version's bin folder, e.g. /usr/lib/postgresql/15/bin.</summary>
    private static string? FindBinaries()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.GetDirectories(root)
            .Select(version => (Version: int.TryParse(Path.GetFileName(version), out var number) ? number : -1, Bin: Path.Combine(version, "bin")))
            .Where(candidate => candidate.Version >= 0 && File.Exists(Path.Combine(candidate.Bin, "initdb")) && File.Exists(Path.Combine(candidate.Bin, "pg_ctl")))
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => candidate.Bin)
            .FirstOrDefault();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
