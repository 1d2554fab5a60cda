using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>
/// The app on real Kestrel over plain http (Secure cookies off), for what only a real server shows:
/// the request target exactly as an attacker writes it (Kestrel, not the client, normalises
/// <c>/.</c>, <c>/x/..</c> and <c>%41</c>), the headers Kestrel adds, and bodies it refuses to drain.
/// </summary>
internal static class KestrelHost
{
    /// <summary>A redis-server of its own and the app on Kestrel pointed at it, stopped together with the pair.</summary>
    public static Task<RedisAppPair> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Sessions:SecureCookies"] = "false",
            ["Sessions:CookieName"] = "session",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return RedisAppPair.StartAsync(all, kestrel: true);
    }

    public static Uri Address(SessionAuthApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

    public static HttpClient Client(SessionAuthApplication app, CookieContainer? cookies = null) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = cookies ?? new CookieContainer(), UseCookies = true })
        {
            BaseAddress = Address(app),
        };
}

/// <summary>A class's own redis-server and the app on Kestrel, shared by its tests through <c>IClassFixture</c>.</summary>
public sealed class KestrelAppFixture : IAsyncLifetime
{
    private RedisAppPair _pair = null!;

    public RedisServer Redis => _pair.Redis;

    public SessionAuthApplication App => _pair.App;

    public Uri Address => KestrelHost.Address(App);

    public async Task InitializeAsync() => _pair = await KestrelHost.StartAsync();

    public async Task DisposeAsync() => await _pair.DisposeAsync();
}

/// <summary>One HTTP/1.1 exchange over a raw socket: the request target is sent byte for byte as given.</summary>
internal sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public static async Task<RawResponse> SendAsync(
        Uri server, string method, string target, string? cookie = null, string? body = null,
        bool chunked = false, long? declaredLength = null, int bodyRepeat = 1)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        var payload = Encoding.ASCII.GetBytes(body ?? "");
        var head = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{method} {target} HTTP/1.1\r\nHost: {server.Authority}\r\nConnection: close\r\n"));
        if (cookie is not null)
        {
            head.Append(CultureInfo.InvariantCulture, $"Cookie: {cookie}\r\n");
        }

        if (body is not null)
        {
            head.Append("Content-Type: application/x-www-form-urlencoded\r\n");
            head.Append(chunked ? "Transfer-Encoding: chunked\r\n" : string.Create(CultureInfo.InvariantCulture, $"Content-Length: {declaredLength ?? (long)payload.Length * bodyRepeat}\r\n"));
        }

        head.Append("\r\n");
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
            for (var i = 0; i < bodyRepeat && body is not null; i++)
            {
                if (chunked)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{payload.Length:X}\r\n")));
                    await stream.WriteAsync(payload);
                    await stream.WriteAsync("\r\n"u8.ToArray());
                }
                else
                {
                    await stream.WriteAsync(payload);
                }
            }

            if (chunked && body is not null)
            {
                await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
            }
        }
        catch (IOException)
        {
            // The server answered and closed before the whole body was sent: what a refusal looks like.
        }

        return Parse(await ReadAllAsync(stream));
    }

    private static async Task<string> ReadAllAsync(NetworkStream stream)
    {
        // Latin-1 keeps one char per byte, so chunk sizes can be counted; the body is decoded as UTF-8 after.
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException) when (received.Length > 0)
        {
            // Reset after the response: the server did not drain the rest of the body.
        }

        return Encoding.Latin1.GetString(received.ToArray());
    }

    private static RawResponse Parse(string text)
    {
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, $"No HTTP response: '{text}'");
        var lines = text[..end].Split("\r\n");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon]] = headers.TryGetValue(line[..colon], out var previous)
                ? $"{previous}, {line[(colon + 1)..].Trim()}"
                : line[(colon + 1)..].Trim();
        }

        var body = text[(end + 4)..];
        if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        return new RawResponse(
            int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture), headers,
            Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(body)));
    }

    private static string Dechunk(string body)
    {
        var result = new StringBuilder();
        var position = 0;
        while (position < body.Length)
        {
            var lineEnd = body.IndexOf("\r\n", position, StringComparison.Ordinal);
            if (lineEnd < 0)
            {
                break;
            }

            var size = int.Parse(body[position..lineEnd], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                break;
            }

            result.Append(body, lineEnd + 2, Math.Min(size, body.Length - lineEnd - 2));
            position = lineEnd + 2 + size + 2;
        }

        return result.ToString();
    }
}
