using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>
/// The built app as a process of its own (<c>dotnet SessionAuth.Web.dll</c>) on a free loopback
/// port over plain http, pointed at a real Redis and a SQLite file: for what only a real process
/// shows. As one instance behind a load balancer it can be killed (SIGKILL) mid-request with
/// nothing finishing gracefully; as a container it can be sent SIGTERM and watched shutting down.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string? _ownDatabase;
    private readonly StringBuilder _output = new();

    private AppProcess(Process process, Uri address, string name, string? ownDatabase)
    {
        _process = process;
        Address = address;
        Name = name;
        _ownDatabase = ownDatabase;
    }

    public Uri Address { get; }

    /// <summary>Hosting:InstanceName, which the dashboard shows.</summary>
    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Starts the app and waits until /health/ready answers 200. Without <paramref name="databasePath"/>
    /// the instance gets a SQLite file of its own, deleted when it is disposed. Settings are
    /// configuration keys (<c>Section:Key</c> or <c>Section__Key</c>) over the test defaults.
    /// </summary>
    public static async Task<AppProcess> StartAsync(
        string name,
        string redisConnectionString,
        string? databasePath = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        string environmentName = "Testing")
    {
        var ownDatabase = databasePath is null ? TestHost.NewDatabasePath("process") : null;
        databasePath ??= ownDatabase!;
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            // The content root (wwwroot) is the project folder, as with `dotnet run`.
            WorkingDirectory = ProjectDirectory(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SessionAuth.Web.dll"));
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = environmentName,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["ConnectionStrings__Redis"] = redisConnectionString,
            ["ConnectionStrings__Accounts"] = $"Data Source={databasePath}",
            ["Hosting__InstanceName"] = name,
            // Mail to .eml files in a folder of this instance's own, never into the repository's App_Data.
            ["Email__PickupDirectory"] = TestHost.NewMailPickupDirectory(),
            ["Sessions__SecureCookies"] = "false",
            ["Sessions__CookieName"] = "session",
            ["Tokens__SigningKey"] = TestHost.TokenSigningKey,
            // A busy 2-core CI machine can stall a healthy Redis call past the product's 1 s.
            ["Redis__OperationTimeout"] = "00:00:05",
            // No inotify watch on appsettings: a test machine running many hosts runs out of them.
            ["DOTNET_USE_POLLING_FILE_WATCHER"] = "1",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var app = new AppProcess(process, new Uri($"http://127.0.0.1:{port}"), name, ownDatabase);
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = app.Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Instance {name} exited at start with code {process.ExitCode}: {app.Output}");
            }

            try
            {
                if ((await probe.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return app;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        await app.DisposeAsync();
        throw new InvalidOperationException($"Instance {name} was not ready within 60 s: {app.Output}");
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>SIGKILL: the process ends at once, in-flight requests and open connections with it.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>What an orchestrator sends to stop a container: SIGTERM.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>True when the process exited within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>True when a new TCP connection to the app's port is refused.</summary>
    public async Task<bool> RefusesConnectionsAsync()
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(Address.Host, Address.Port);
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        if (_ownDatabase is not null)
        {
            TestHost.DeleteDatabase(_ownDatabase);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 1_000_000)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static string ProjectDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SessionAuth.sln")))
            {
                return Path.Combine(directory.FullName, "src", "SessionAuth.Web");
            }
        }

        throw new InvalidOperationException($"No SessionAuth.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>A loopback port nobody listens on right now.</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
