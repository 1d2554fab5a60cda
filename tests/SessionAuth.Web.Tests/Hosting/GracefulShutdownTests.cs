using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Hosting;

/// <summary>
/// SIGTERM (what Docker and Kubernetes send): the instance stops taking connections at once, finishes
/// the requests under way within Hosting:ShutdownTimeout, and exits 0.
/// </summary>
public sealed partial class GracefulShutdownTests
{
    [Fact]
    public async Task SigtermRefusesNewConnectionsFinishesTheRequestUnderWayAndExitsZero()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var app = await AppProcess.StartAsync("shutdown", redis.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Hosting:ShutdownTimeout"] = "00:00:30",
        }, environmentName: "Production");
        var cookies = new CookieContainer();
        using var http = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = app.Address };
        var form = await http.GetStringAsync("/Account/Register");
        var token = WebUtility.HtmlDecode(AntiforgeryField().Match(form).Groups[1].Value);
        var body = Encoding.ASCII.GetBytes(
            $"Input.Email={Uri.EscapeDataString(Emails.Unique("shutdown"))}&Input.Password={Uri.EscapeDataString(AppClient.Password)}"
            + $"&Input.ConfirmPassword={Uri.EscapeDataString(AppClient.Password)}&__RequestVerificationToken={Uri.EscapeDataString(token)}");
        // A registration whose body is still arriving: the request is under way when SIGTERM comes.
        using var inFlight = new TcpClient();
        await inFlight.ConnectAsync(app.Address.Host, app.Address.Port);
        var stream = inFlight.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"POST /Account/Register HTTP/1.1\r\nHost: {app.Address.Authority}\r\nCookie: {cookies.GetCookieHeader(app.Address)}\r\n"
            + $"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {body.Length}\r\n\r\n")));
        await stream.WriteAsync(body.AsMemory(0, body.Length / 2));
        await Task.Delay(500);

        var stopped = Stopwatch.StartNew();
        await app.TerminateAsync();
        var refused = false;
        while (!refused && stopped.Elapsed < TimeSpan.FromSeconds(10))
        {
            refused = await app.RefusesConnectionsAsync();
            if (!refused)
            {
                await Task.Delay(50);
            }
        }

        Assert.True(refused, "New connections were still accepted 10 s after SIGTERM.");
        Assert.False(app.HasExited, "The app exited before the request under way had finished.");
        await stream.WriteAsync(body.AsMemory(body.Length / 2));
        var response = await ReadResponseHeadAsync(stream);
        var exited = await app.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.StartsWith("HTTP/1.1 302", response, StringComparison.Ordinal);
        Assert.Contains("Location: /Account/Login", response, StringComparison.OrdinalIgnoreCase);
        Assert.True(exited, $"The app did not exit within the shutdown timeout:\n{app.Output}");
        Assert.Equal(0, app.ExitCode);
        Assert.DoesNotContain("Exception", app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnIdleInstanceExitsPromptlyOnSigterm()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var app = await AppProcess.StartAsync("idle", redis.ConnectionString, environmentName: "Production");

        var stopped = Stopwatch.StartNew();
        await app.TerminateAsync();
        var exited = await app.WaitForExitAsync(TimeSpan.FromSeconds(15));

        Assert.True(exited, $"The app did not exit within 15 s:\n{app.Output}");
        Assert.Equal(0, app.ExitCode);
        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(15));
    }

    private static async Task<string> ReadResponseHeadAsync(NetworkStream stream)
    {
        var received = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            received.Append(Encoding.Latin1.GetString(buffer, 0, read));
        }

        return received.ToString();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
