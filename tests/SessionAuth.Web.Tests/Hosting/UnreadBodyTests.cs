using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Hosting;

/// <summary>
/// A 20 MB chunked body (no Content-Length to refuse from the headers) sent to pages that take no
/// body: real Kestrel answers 413 or 405 without reading the 20 MB. The client writes while it
/// reads, so the test sees how much it had written when the answer came and whether the server
/// let it write the rest; every step is bounded in time.
/// </summary>
public sealed class UnreadBodyTests(KestrelAppFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<KestrelAppFixture>
{
    private const long Twenty = 20L * 1024 * 1024;

    /// <summary>The default cap (64 KB) plus what Kestrel (1 MB request buffer) and both sockets hold unread: measured 0.2 to 2.8 MB.</summary>
    private const long AboutTheCap = 8L * 1024 * 1024;

    [Theory]
    [InlineData("POST", "/")]
    [InlineData("PUT", "/Dashboard")]
    [InlineData("DELETE", "/")]
    [InlineData("POST", "/Account/Login")]
    public async Task TwentyMegabytesChunkedAreRefusedAndNotRead(string method, string target)
    {
        var result = await SendChunkedAsync(fixture.Address, method, target, Twenty);
        output.WriteLine($"{method} {target}: {result.Status}, answered after {result.WrittenWhenAnswered:N0} bytes, {result.WrittenInAll:N0} written in all, {result.Elapsed.TotalMilliseconds:0} ms");

        Assert.True(result.Status is 413 or 405, $"{method} {target} answered {result.Status}");
        Assert.True(result.WrittenWhenAnswered < AboutTheCap,
            $"The answer came after {result.WrittenWhenAnswered:N0} bytes were written: the server read far past the cap.");
        Assert.True(result.WrittenInAll < Twenty, $"The server took all {result.WrittenInAll:N0} bytes.");
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(20), $"The exchange took {result.Elapsed.TotalSeconds:0.0} s");
        Assert.Empty(fixture.App.Logs.UnhandledExceptions);
    }

    private sealed record Exchange(int Status, long WrittenWhenAnswered, long WrittenInAll, TimeSpan Elapsed);

    private static async Task<Exchange> SendChunkedAsync(Uri server, string method, string target, long total)
    {
        var timer = Stopwatch.StartNew();
        using var client = new TcpClient { SendBufferSize = 64 * 1024 };
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await stream.WriteAsync(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{method} {target} HTTP/1.1\r\nHost: {server.Authority}\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n")), deadline.Token);

        long written = 0;
        long writtenWhenAnswered = -1;
        using var stopWriting = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        var reader = Task.Run(async () =>
        {
            var received = new MemoryStream();
            var buffer = new byte[16 * 1024];
            try
            {
                int read;
                while ((read = await stream.ReadAsync(buffer, deadline.Token)) > 0)
                {
                    if (received.Length == 0)
                    {
                        Interlocked.Exchange(ref writtenWhenAnswered, Interlocked.Read(ref written));
                    }

                    received.Write(buffer, 0, read);
                }
            }
            catch (IOException) when (received.Length > 0)
            {
                // Reset after the answer: the server did not drain the rest of the body.
            }
            finally
            {
                // The answer is complete (or the server is gone): writing more proves nothing.
                await stopWriting.CancelAsync();
            }

            return Encoding.Latin1.GetString(received.ToArray());
        });

        var chunk = new byte[64 * 1024];
        chunk.AsSpan().Fill((byte)'a');
        var frame = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{chunk.Length:X}\r\n"));
        try
        {
            while (Interlocked.Read(ref written) < total)
            {
                await stream.WriteAsync(frame, stopWriting.Token);
                await stream.WriteAsync(chunk, stopWriting.Token);
                await stream.WriteAsync("\r\n"u8.ToArray(), stopWriting.Token);
                Interlocked.Add(ref written, chunk.Length);
            }

            await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), stopWriting.Token);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The server closed the connection, or answered and stopped reading.
        }

        var response = await reader;
        Assert.False(deadline.IsCancellationRequested, $"No complete answer within 30 s ({written:N0} bytes written)");
        var statusLine = response.Split("\r\n", 2)[0];
        Assert.StartsWith("HTTP/1.1 ", statusLine, StringComparison.Ordinal);
        return new Exchange(
            int.Parse(statusLine.Split(' ')[1], CultureInfo.InvariantCulture),
            Interlocked.Read(ref writtenWhenAnswered), Interlocked.Read(ref written), timer.Elapsed);
    }
}
