using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SessionAuth.Bench;

/// <summary>One wrk run: requests per second and latency percentiles, read from the script's last line.</summary>
internal sealed record WrkResult(long Requests, double RequestsPerSecond, double P50Ms, double P99Ms)
{
    /// <summary>CPU the app spent per request served, in microseconds (user + system).</summary>
    public double AppCpuUs { get; init; }

    /// <summary>CPU redis-server spent per request served, in microseconds.</summary>
    public double RedisCpuUs { get; init; }

    /// <summary>Non-2xx/3xx answers plus socket errors (connect, read, write, timeout); counted only when errors are allowed.</summary>
    public long Errors { get; init; }
}

/// <summary>Drives load with wrk (Debian's package), rotating the Cookie (or Authorization) header over signed-in sessions.</summary>
internal sealed partial class Wrk(ChildProcesses children, string scriptPath, int threads, int connections)
{
    public int Threads => threads;

    public int Connections => connections;

    /// <param name="header">The header each line of <paramref name="cookieFile"/> is the value of: Cookie, or Authorization for the token API.</param>
    /// <param name="countErrors">Count error statuses and socket errors in the result instead of failing the run.</param>
    public async Task<WrkResult> RunAsync(
        string url, string cookieFile, TimeSpan duration, CancellationToken cancellationToken, string header = "Cookie", bool countErrors = false)
    {
        var process = children.StartProgram("wrk",
        [
            "-t", threads.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture),
            "-d", $"{(int)duration.TotalSeconds}s", "--timeout", "5s", "--latency", "-s", scriptPath, url, "--", cookieFile, header,
        ], "wrk");

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(duration + TimeSpan.FromSeconds(20));
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                cancellationToken.ThrowIfCancellationRequested();
                throw new BenchException($"wrk did not finish within {duration.TotalSeconds + 20} s against {url}.");
            }

            var text = await output;
            var match = Summary().Match(text);
            if (process.ExitCode != 0 || !match.Success)
            {
                throw new BenchException($"wrk failed against {url} (exit {process.ExitCode}):{Environment.NewLine}{text}{await errors}");
            }

            long Field(string name) => long.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture);
            if (!countErrors && (Field("status") > 0 || Field("socket") > 0))
            {
                throw new BenchException(
                    $"wrk saw {Field("status")} error statuses and {Field("socket")} socket errors against {url}:{Environment.NewLine}{text}");
            }

            var requests = Field("requests");
            return new WrkResult(
                requests, requests / (Field("duration") / 1e6), Field("p50") / 1000.0, Field("p99") / 1000.0)
            {
                Errors = Field("status") + Field("socket"),
            };
        }
    }

    [GeneratedRegex(@"BENCH requests=(?<requests>\d+) duration_us=(?<duration>\d+) p50_us=(?<p50>\d+) p99_us=(?<p99>\d+) status_errors=(?<status>\d+) socket_errors=(?<socket>\d+)")]
    private static partial Regex Summary();
}
