using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>
/// A real three-master Redis Cluster on loopback: three <c>redis-server --cluster-enabled yes</c> on
/// free ports and <c>redis-cli --cluster create … --cluster-yes</c>, ready once every node reports
/// <c>cluster_state:ok</c>. One per test class (<c>IClassFixture&lt;RedisCluster&gt;</c>); tests keep
/// apart by key prefix.
/// </summary>
public class RedisCluster : IAsyncLifetime
{
    private const string InstallHint =
        "is not on PATH. The Redis Cluster tests need redis-server and redis-cli: run `bash scripts/test.sh`, " +
        "which installs them (Debian packages redis-server and redis-tools), or `sudo apt-get install -y redis-server redis-tools`.";

    private readonly string _directory = Directory.CreateTempSubdirectory("sessionauth-cluster-").FullName;
    private readonly Dictionary<int, Process> _processes = [];
    private ConnectionMultiplexer? _connection;

    /// <summary>The masters' ports, as created.</summary>
    public IReadOnlyList<int> Ports { get; private set; } = [];

    /// <summary>The replicas' ports (one per master when <see cref="ReplicasPerMaster"/> is 1).</summary>
    public IReadOnlyList<int> ReplicaPorts { get; private set; } = [];

    /// <summary>0: three masters. 1: three masters and a replica each, so a master can fail over.</summary>
    protected virtual int ReplicasPerMaster => 0;

    /// <summary>What the app is given as ConnectionStrings:Redis: every master, comma-separated.</summary>
    public string ConnectionString => string.Join(',', Ports.Select(port => $"127.0.0.1:{port}"));

    /// <summary>A cluster-aware client with admin commands, for tests to inspect and move slots.</summary>
    public IConnectionMultiplexer Connection => _connection ?? throw new InvalidOperationException("The cluster is not started.");

    public async Task InitializeAsync()
    {
        Ports = [FreePort(), FreePort(), FreePort()];
        ReplicaPorts = Enumerable.Range(0, 3 * ReplicasPerMaster).Select(_ => FreePort()).ToList();
        int[] all = [.. Ports, .. ReplicaPorts];
        foreach (var port in all)
        {
            _processes[port] = Start("redis-server",
                "--port", Port(port), "--bind", "127.0.0.1", "--protected-mode", "no", "--daemonize", "no",
                "--cluster-enabled", "yes", "--cluster-config-file", Path.Combine(_directory, $"nodes-{port}.conf"),
                // Short, so a replica takes over a dead master within a few seconds.
                "--cluster-node-timeout", ReplicasPerMaster > 0 ? "1000" : "5000",
                "--dir", _directory, "--save", "", "--appendonly", "no");
        }

        foreach (var port in all)
        {
            await WaitForAsync(async () => (await RedisCliAsync(port, "PING")).Contains("PONG", StringComparison.Ordinal),
                $"redis-server on port {port} did not answer PING");
        }

        // redis-cli makes the first three nodes masters and the others their replicas.
        using var create = Start("redis-cli", ["--cluster", "create", .. all.Select(port => $"127.0.0.1:{port}"),
            "--cluster-replicas", ReplicasPerMaster.ToString(CultureInfo.InvariantCulture), "--cluster-yes"]);
        var created = await create.StandardOutput.ReadToEndAsync();
        await create.WaitForExitAsync();
        if (create.ExitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli --cluster create exited with {create.ExitCode}: {created}");
        }

        await WaitUntilEveryNodeIsOkAsync();
        // A replica answers cluster_state:ok before its first full sync is done (the master waits a few
        // seconds for more replicas, then forks); a test that waits for a write to reach the replica
        // must not also wait out that first sync.
        foreach (var port in ReplicaPorts)
        {
            await WaitForAsync(async () => (await RedisCliAsync(port, "INFO", "replication")).Contains("master_link_status:up", StringComparison.Ordinal),
                $"The replica on port {port} did not finish its first sync", TimeSpan.FromSeconds(60));
        }

        _connection = await ConnectionMultiplexer.ConnectAsync($"{ConnectionString},allowAdmin=true,connectTimeout=5000");
    }

    /// <summary>Every running node says cluster_state:ok (after creation, a slot move or a failover).</summary>
    public async Task WaitUntilEveryNodeIsOkAsync()
    {
        foreach (var port in _processes.Where(p => !p.Value.HasExited).Select(p => p.Key))
        {
            await WaitForAsync(async () => (await RedisCliAsync(port, "CLUSTER", "INFO")).Contains("cluster_state:ok", StringComparison.Ordinal),
                $"Redis Cluster node {port} did not reach cluster_state:ok");
        }
    }

    /// <summary>The master that serves the slot of <paramref name="key"/>, per the cluster's own routing.</summary>
    public EndPoint MasterOf(RedisKey key) =>
        Connection.GetServer(key).EndPoint;

    /// <summary>The ports of the nodes that hold keys of <paramref name="slot"/> (asked of each node, not of a client's routing table).</summary>
    public async Task<IReadOnlyList<int>> PortsHoldingKeysInSlotAsync(int slot)
    {
        var holders = new List<int>();
        foreach (var port in Ports)
        {
            if ((long)(await Node(port).ExecuteAsync("CLUSTER", "COUNTKEYSINSLOT", slot)) > 0)
            {
                holders.Add(port);
            }
        }

        return holders;
    }

    public IServer Node(int port) => Connection.GetServer("127.0.0.1", port);

    public async Task<string> NodeIdAsync(int port) =>
        (string)(await Node(port).ExecuteAsync("CLUSTER", "MYID"))!;

    public static int PortOf(EndPoint endPoint) => endPoint switch
    {
        IPEndPoint ip => ip.Port,
        DnsEndPoint dns => dns.Port,
        _ => throw new InvalidOperationException($"Unexpected endpoint {endPoint}."),
    };

    /// <summary>
    /// Moves one hash slot with its keys from its master to <paramref name="toPort"/>, the way
    /// <c>redis-cli --cluster reshard</c> does: IMPORTING on the target, MIGRATING on the source,
    /// MIGRATE of every key in the slot, then SETSLOT … NODE on every master.
    /// </summary>
    public async Task MoveSlotAsync(int slot, int fromPort, int toPort)
    {
        var (source, target) = (Node(fromPort), Node(toPort));
        var (sourceId, targetId) = (await NodeIdAsync(fromPort), await NodeIdAsync(toPort));

        await target.ExecuteAsync("CLUSTER", "SETSLOT", slot, "IMPORTING", sourceId);
        await source.ExecuteAsync("CLUSTER", "SETSLOT", slot, "MIGRATING", targetId);
        while (true)
        {
            var keys = (RedisResult[])(await source.ExecuteAsync("CLUSTER", "GETKEYSINSLOT", slot, 100))!;
            if (keys.Length == 0)
            {
                break;
            }

            object[] migrate = ["127.0.0.1", toPort, "", 0, 5000, "KEYS", .. keys.Select(k => (object)(string)k!)];
            await source.ExecuteAsync("MIGRATE", migrate);
        }

        foreach (var port in Ports)
        {
            await Node(port).ExecuteAsync("CLUSTER", "SETSLOT", slot, "NODE", targetId);
        }

        await WaitUntilEveryNodeIsOkAsync();
    }

    /// <summary>SIGKILL of one node, as when its machine dies.</summary>
    public async Task KillAsync(int port)
    {
        var process = _processes[port];
        process.Kill();
        await process.WaitForExitAsync();
    }

    /// <summary>The node's own view of its role: "master" or "slave".</summary>
    public static async Task<string> RoleAsync(int port) =>
        (await RedisCliAsync(port, "ROLE")).Split('\n', StringSplitOptions.TrimEntries)[0];

    /// <summary>How many keys of <paramref name="slot"/> the node on <paramref name="port"/> holds (a replica too).</summary>
    public static async Task<long> KeysInSlotAsync(int port, int slot) =>
        long.Parse((await RedisCliAsync(port, "CLUSTER", "COUNTKEYSINSLOT", slot.ToString(CultureInfo.InvariantCulture))).Trim(), CultureInfo.InvariantCulture);

    /// <summary>The replica of the master on <paramref name="masterPort"/>.</summary>
    public async Task<int> ReplicaOfAsync(int masterPort)
    {
        var masterId = await NodeIdAsync(masterPort);
        foreach (var port in ReplicaPorts)
        {
            if ((await RedisCliAsync(port, "CLUSTER", "NODES")).Split('\n').Any(line => line.Contains("myself", StringComparison.Ordinal) && line.Contains(masterId, StringComparison.Ordinal)))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"No replica of the master on port {masterPort}.");
    }

    public virtual async Task DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        foreach (var process in _processes.Values)
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    protected static async Task<string> RedisCliAsync(int port, params string[] command)
    {
        using var cli = Start("redis-cli", ["-h", "127.0.0.1", "-p", Port(port), .. command]);
        var output = await cli.StandardOutput.ReadToEndAsync();
        await cli.WaitForExitAsync();
        return output;
    }

    private static Process Start(string program, params string[] arguments)
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
            var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} {InstallHint}");
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            if (program == "redis-server")
            {
                process.OutputDataReceived += (_, _) => { };
                process.BeginOutputReadLine();
            }

            return process;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"{program} {InstallHint}", ex);
        }
    }

    internal static async Task WaitForAsync(Func<Task<bool>> condition, string failure, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"{failure} within {limit.TotalSeconds:0} s.");
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        // Cluster nodes also listen on port + 10000 (the cluster bus): pick a port whose bus port is free too.
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (port + 10000 > IPEndPoint.MaxPort)
            {
                continue;
            }

            try
            {
                using var bus = new TcpListener(IPAddress.Loopback, port + 10000);
                bus.Start();
                return port;
            }
            catch (SocketException)
            {
                // The bus port is taken: try another.
            }
        }
    }
}

/// <summary>Three masters with a replica each: a killed master fails over to its replica.</summary>
public sealed class RedisClusterWithReplicas : RedisCluster
{
    protected override int ReplicasPerMaster => 1;
}
