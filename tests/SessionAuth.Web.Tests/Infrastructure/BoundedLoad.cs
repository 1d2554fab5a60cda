using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>One request of a load run: when it started and ended on the run's clock, and what came back.</summary>
internal sealed record LoadSample(int Worker, TimeSpan Start, TimeSpan End, HttpStatusCode Status, bool SignedIn, bool RetryAfter, string? Instance = null)
{
    public TimeSpan Latency => End - Start;
}

/// <summary>
/// A bounded load on loopback: a few workers, each one signed-in person, send requests one after
/// another with a short pause, until stopped (or a hard time limit). Every answer is kept with its
/// times, so a test can say what happened before, during and after a fault.
/// </summary>
internal sealed class BoundedLoad : IAsyncDisposable
{
    /// <summary>No run outlives this, whatever the test does.</summary>
    private static readonly TimeSpan HardLimit = TimeSpan.FromSeconds(60);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<LoadSample> _samples = new();
    private readonly CancellationTokenSource _stop = new(HardLimit);
    private readonly Task[] _workers;

    private BoundedLoad(int workers, Func<int, CancellationToken, Task<(HttpResponseMessage Response, string? Instance)>> send, TimeSpan pause) =>
        _workers = Enumerable.Range(0, workers).Select(worker => Task.Run(() => RunAsync(worker, send, pause))).ToArray();

    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyList<LoadSample> Samples => [.. _samples];

    /// <param name="send">Sends worker <c>i</c>'s next request; may name the instance that answered.</param>
    public static BoundedLoad Start(int workers, Func<int, CancellationToken, Task<(HttpResponseMessage, string?)>> send, TimeSpan? pause = null) =>
        new(workers, send, pause ?? TimeSpan.FromMilliseconds(20));

    public static BoundedLoad Start(IReadOnlyList<HttpClient> clients, string path, TimeSpan? pause = null) =>
        Start(clients.Count, async (worker, token) => (await clients[worker].GetAsync(path, token), null), pause);

    /// <summary>Waits until a sample matches (true) or the time is up (false).</summary>
    public async Task<bool> WaitForAsync(Func<LoadSample, bool> match, TimeSpan within)
    {
        var deadline = Now + within;
        while (Now < deadline)
        {
            if (_samples.Any(match))
            {
                return true;
            }

            await Task.Delay(10);
        }

        return _samples.Any(match);
    }

    /// <summary>Waits until every worker has had an answer that matches after <paramref name="since"/>; the time it took, or null.</summary>
    public async Task<TimeSpan?> WaitForEveryWorkerAsync(Func<LoadSample, bool> match, TimeSpan since, TimeSpan within)
    {
        var deadline = Now + within;
        while (true)
        {
            var firsts = Enumerable.Range(0, _workers.Length)
                .Select(worker => _samples.Where(s => s.Worker == worker && s.Start >= since && match(s)).Select(s => (TimeSpan?)s.End).Min())
                .ToList();
            if (firsts.All(end => end is not null))
            {
                return firsts.Max() - since;
            }

            if (Now > deadline)
            {
                return null;
            }

            await Task.Delay(10);
        }
    }

    public async Task<IReadOnlyList<LoadSample>> StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        return Samples;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    public static string Describe(IEnumerable<LoadSample> samples) =>
        string.Join(", ", samples.GroupBy(s => (int)s.Status).OrderBy(g => g.Key)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{(g.Key == 0 ? "no answer" : g.Key.ToString(CultureInfo.InvariantCulture))}: {g.Count()}")));

    private async Task RunAsync(int worker, Func<int, CancellationToken, Task<(HttpResponseMessage, string?)>> send, TimeSpan pause)
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            var start = Now;
            try
            {
                var (response, instance) = await send(worker, token);
                using (response)
                {
                    var body = await response.Content.ReadAsStringAsync(token);
                    _samples.Enqueue(new LoadSample(worker, start, Now, response.StatusCode,
                        SignedIn: response.StatusCode == HttpStatusCode.OK && body.Contains("Signed in as", StringComparison.Ordinal),
                        RetryAfter: response.Headers.RetryAfter is not null, instance));
                }

                await Task.Delay(pause, token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException)
            {
                // No answer at all (a connection refused): status 0, so a test can count it.
                _samples.Enqueue(new LoadSample(worker, start, Now, 0, SignedIn: false, RetryAfter: false));
            }
        }
    }
}
