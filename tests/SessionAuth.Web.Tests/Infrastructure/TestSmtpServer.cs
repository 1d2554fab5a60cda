using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>
/// A real SMTP server (the SmtpServer package) in the test process on a free loopback port, without TLS: the app
/// talks to it over TCP as to any mail server, and each message it receives is parsed with MimeKit. It can be
/// stopped (connections refused) and started again on the same port, as a mail server outage looks to the app.
/// <code>await using var smtp = await TestSmtpServer.StartAsync(); smtp.AddSettings(settings);</code>
/// </summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    /// <summary>The From address the tests give the app (Email:From).</summary>
    public const string From = "SessionAuth <no-reply@sa.test>";

    /// <summary>The App:PublicUrl the tests give the app along with the mail server: mailed links start with it.</summary>
    public const string PublicUrl = "https://sa.test";

    private readonly ConcurrentQueue<MimeMessage> _received = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private CancellationTokenSource? _stop;
    private Task? _running;

    private TestSmtpServer(int port) => Port = port;

    public int Port { get; }

    public bool IsRunning => _running is { IsCompleted: false };

    /// <summary>Every message received so far, in order of arrival.</summary>
    public IReadOnlyList<MimeMessage> Messages => [.. _received];

    public static async Task<TestSmtpServer> StartAsync()
    {
        var server = new TestSmtpServer(AppProcess.FreePort());
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>The settings that point the app at this server (plain SMTP on loopback), and App:PublicUrl; <paramref name="more"/> on top.</summary>
    public IReadOnlyDictionary<string, string?> Settings(IReadOnlyDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>();
        AddSettings(settings);
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    public void AddSettings(IDictionary<string, string?> settings)
    {
        settings["Email:Smtp:Host"] = "127.0.0.1";
        settings["Email:Smtp:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Email:Smtp:Security"] = "None";
        settings["Email:From"] = From;
        // Required outside Development with a mail server; the tests run as "Testing".
        settings["App:PublicUrl"] = PublicUrl;
    }

    /// <summary>Listens again on the same port (after <see cref="StopAsync"/>); waits until a connection is accepted.</summary>
    public async Task StartAgainAsync()
    {
        if (IsRunning)
        {
            return;
        }

        var options = new SmtpServerOptionsBuilder()
            .ServerName("smtp.sa.test")
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)).IsSecure(false))
            .Build();
        var services = new ServiceProvider();
        services.Add(new Store(this));
        _stop = new CancellationTokenSource();
        // A port just closed can take a moment to bind again; the first accepted connection proves it listens.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            _running = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
            if (await AcceptsConnectionsAsync())
            {
                return;
            }

            if (!_running.IsCompleted || DateTime.UtcNow >= deadline)
            {
                await StopAsync();
                throw new InvalidOperationException($"The test SMTP server did not listen on 127.0.0.1:{Port} within 10 s.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Stops listening and drops open sessions: the app's next connection is refused.</summary>
    public async Task StopAsync()
    {
        if (_stop is null || _running is null)
        {
            return;
        }

        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
            // How SmtpServer ends when its token is cancelled.
        }

        _stop.Dispose();
        _stop = null;
        _running = null;
    }

    /// <summary>Waits until at least <paramref name="count"/> messages match, or fails the test after <paramref name="timeout"/> (10 s).</summary>
    public async Task<IReadOnlyList<MimeMessage>> WaitForMessagesAsync(int count, Func<MimeMessage, bool>? match = null, TimeSpan? timeout = null)
    {
        match ??= _ => true;
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var matching = Messages.Where(match).ToList();
            if (matching.Count >= count)
            {
                return matching;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException(
                    $"Expected {count} matching message(s) at the test SMTP server within {timeout ?? TimeSpan.FromSeconds(10)}; {matching.Count} arrived ({Messages.Count} in all).");
            }

            await _arrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>The one message to <paramref name="to"/> (waiting for it as <see cref="WaitForMessagesAsync"/> does).</summary>
    public async Task<MimeMessage> WaitForMessageToAsync(string to, TimeSpan? timeout = null) =>
        (await WaitForMessagesAsync(1, m => SentTo(m, to), timeout))[0];

    public static bool SentTo(MimeMessage message, string to) =>
        message.To.Mailboxes.Any(m => string.Equals(m.Address, to, StringComparison.OrdinalIgnoreCase));

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _arrived.Dispose();
    }

    private async Task<bool> AcceptsConnectionsAsync()
    {
        for (var i = 0; i < 50 && !_running!.IsCompleted; i++)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(20);
            }
        }

        return false;
    }

    private void Receive(MimeMessage message)
    {
        _received.Enqueue(message);
        _arrived.Release();
    }

    private sealed class Store(TestSmtpServer server) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(
            ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            server.Receive(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }
}
