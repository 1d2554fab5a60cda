using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Operations;

/// <summary>
/// The built app as its own process (<c>dotnet SessionAuth.Web.dll</c>), on a free loopback port over
/// plain http, pointed at a real Redis and a SQLite file of its own: for what only a real process
/// shows, such as what it does with SIGTERM.
/// </summary>
internal sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _database;
    private readonly StringBuilder _output = new();

    private AppProcess(Process process, string database, Uri address)
    {
        _process = process;
        _database = database;
        Address = address;
    }

    public Uri Address { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

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

    public static async Task<AppProcess> StartAsync(string redisConnectionString, IReadOnlyDictionary<string, string> settings)
    {
        var database = TestHost.NewDatabasePath("process");
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SessionAuth.Web.dll"));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = address.ToString().TrimEnd('/');
        start.Environment["ConnectionStrings__Accounts"] = $"Data Source={database}";
        start.Environment["ConnectionStrings__Redis"] = redisConnectionString;
        start.Environment["Sessions__SecureCookies"] = "false";
        start.Environment["Sessions__CookieName"] = "session";
        start.Environment["Tokens__SigningKey"] = TestHost.TokenSigningKey;
        // A busy 2-core CI machine can stall a healthy Redis call past the product's 1 s.
        start.Environment["Redis__OperationTimeout"] = "00:00:05";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var app = new AppProcess(Process.Start(start)!, database, address);
        app._process.OutputDataReceived += (_, e) => app.Append(e.Data);
        app._process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();
        await app.WaitUntilReadyAsync();
        return app;
    }

    /// <summary>What an orchestrator sends to stop a container: SIGTERM.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

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
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        TestHost.DeleteDatabase(_database);
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The app exited at start with code {_process.ExitCode}:\n{Output}");
            }

            try
            {
                if ((await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Starting slowly on a busy machine.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The app did not become ready within 60 s:\n{Output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
