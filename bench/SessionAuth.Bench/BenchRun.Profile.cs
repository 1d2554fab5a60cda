using System.Diagnostics;
using System.Globalization;
using System.Text;
using SessionAuth.Bench.Hosting;
using SessionAuth.Web.Pages;

namespace SessionAuth.Bench;

/// <summary>
/// `--profile`: where one page's time goes. One copy of the app in one mode under wrk load on that
/// page, first watched by dotnet-counters (CPU, allocation, GC, thread pool), then sampled by
/// dotnet-trace; prints the counters' means and the trace's top methods, inclusive and exclusive.
/// Both tools are the repository's local tools (dotnet-tools.json; scripts/bench.sh restores them).
/// </summary>
internal sealed partial class BenchRun
{
    private const string Counters = "System.Runtime,Microsoft.AspNetCore.Hosting,Microsoft.AspNetCore.Server.Kestrel";
    private const int TopMethods = 30;

    private static readonly string[] ShownCounters =
    [
        "cpu.time", "total_allocated", "gc.collections", "gc.pause.time", "lock_contentions", "thread_pool.queue.length",
        "thread_pool.thread.count", "working_set", "exceptions", "http.server.active_requests", "kestrel.active_connections",
    ];

    /// <summary>
    /// Frames of threads that wait (idle thread-pool workers, timers, the file watcher) or of the
    /// sampler's own bookkeeping: thread time counts them, CPU does not.
    /// </summary>
    private static readonly string[] IdleFrames =
    [
        "(Non-Activities)", "Threads", "Thread.StartCallback", "Thread+StartHelper", "WorkerThread.WorkerThreadStart", "LowLevelLifoSemaphore",
        "LowLevelSpinWaiter", "WaitHandle.Wait", "Monitor.Wait", "ManualResetEventSlim.Wait", "Task.SpinThenBlockingWait", "Task.InternalWait",
        "TaskAwaiter.HandleNonSuccess", "FileSystemWatcher", "Interop+Sys.Read(", "PollGC", "Missing Symbol", "WaitSubsystem", "TimerQueue",
        "SocketAsyncEngine.EventLoop", "Interop+Sys.WaitForSocketEvents",
    ];

    /// <summary>
    /// Async plumbing: an awaited call's continuation runs the rest of the request on its stack, so
    /// these frames (and the first awaited I/O's) carry the whole request's inclusive time.
    /// </summary>
    private static readonly string[] PlumbingFrames =
    [
        "ExecutionContext.", "ThreadPoolWorkQueue", "__Canon]", "].MoveNext", "].Execut", "AwaitTaskContinuation", "Task.RunContinuations",
        "SetResult(", "SetException(",
    ];

    public async Task<string> ProfileAsync(string repositoryRoot, AuthMode mode, string path, string traceDirectory, CancellationToken cancellationToken)
    {
        try
        {
            return await ProfileCoreAsync(repositoryRoot, mode, path, traceDirectory, cancellationToken);
        }
        finally
        {
            await CleanUpAsync();
        }
    }

    private async Task<string> ProfileCoreAsync(string repositoryRoot, AuthMode mode, string path, string traceDirectory, CancellationToken cancellationToken)
    {
        Step("Starting redis-server and the app");
        var redis = await RedisProcess.StartAsync(children, "main", _work);
        await using (AppServices.Start(AppSettings(redis, "services")))
        {
            // Started only to migrate the accounts database, as in the full run.
        }

        var app = await StartAppAsync(mode.Name(), mode, redis, cancellationToken);

        Step($"Registering and signing in {profile.Users} users through the form");
        var emails = Enumerable.Range(1, profile.Users).Select(i => $"bench-user-{i:00}@bench.example").ToList();
        var browsers = new Browser[emails.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, emails.Count), Parallelism(4, cancellationToken), async (i, ct) =>
        {
            browsers[i] = NewBrowser(app);
            await browsers[i].RegisterAsync(emails[i], _password, ct);
            await browsers[i].SignInAsync(emails[i], _password, ct);
        });
        var cookieFile = Path.Combine(_work, "cookies.txt");
        await File.WriteAllLinesAsync(cookieFile, browsers.Select(b => b.AuthCookieHeader), cancellationToken);
        await ExpectPagesAsync(new Slot(mode.Name(), mode.Name(), app, redis, cookieFile), emails, cancellationToken);

        var wrk = new Wrk(children, Path.Combine(AppContext.BaseDirectory, "rotate-cookies.lua"), profile.Threads, profile.Connections);
        var url = app.BaseUrl + path;
        Step($"Warming up {path} for {profile.Warmup.TotalSeconds:0} s");
        await wrk.RunAsync(url, cookieFile, profile.Warmup, cancellationToken);

        Directory.CreateDirectory(traceDirectory);
        var name = $"{mode.Name()}-{path.Trim('/').Replace('/', '-').ToLowerInvariant()}";
        var countersFile = Path.Combine(traceDirectory, name + "-counters.csv");
        var traceFile = Path.Combine(traceDirectory, name + ".nettrace");
        var duration = profile.Duration;
        var span = $"00:00:{(int)duration.TotalMinutes:00}:{duration.Seconds:00}";

        Step($"dotnet-counters ({Counters}) for {duration.TotalSeconds:0} s under load");
        var counters = Tool(repositoryRoot, "dotnet-counters",
            ["collect", "--process-id", app.ProcessId.ToString(CultureInfo.InvariantCulture), "--counters", Counters,
             "--refresh-interval", "1", "--duration", span, "--format", "csv", "--output", countersFile]);
        var countersLoad = wrk.RunAsync(url, cookieFile, duration + TimeSpan.FromSeconds(2), cancellationToken);
        await ExpectToolAsync(counters, "dotnet-counters", duration, cancellationToken);
        var countersResult = await countersLoad;

        Step($"dotnet-trace (sampled thread time, ~100 Hz) for {duration.TotalSeconds:0} s under load");
        var trace = Tool(repositoryRoot, "dotnet-trace",
            ["collect", "--process-id", app.ProcessId.ToString(CultureInfo.InvariantCulture), "--profile", "dotnet-sampled-thread-time",
             "--duration", span, "--format", "Speedscope", "--output", traceFile]);
        var traceLoad = wrk.RunAsync(url, cookieFile, duration + TimeSpan.FromSeconds(2), cancellationToken);
        await ExpectToolAsync(trace, "dotnet-trace", duration, cancellationToken);
        var traceResult = await traceLoad;

        Step("Reading the trace (dotnet-trace report topN)");
        var inclusive = await ReportAsync(repositoryRoot, traceFile, inclusive: true, cancellationToken);
        var exclusive = await ReportAsync(repositoryRoot, traceFile, inclusive: false, cancellationToken);

        var text = new StringBuilder();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Profile of `GET {path}` in {mode.Name()} mode, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, under `wrk -t{wrk.Threads} -c{wrk.Connections}` with {profile.Users} signed-in sessions, {duration.TotalSeconds:0} s each for counters and trace after {profile.Warmup.TotalSeconds:0} s of warm-up. Machine: {Machine.Describe()}."));
        text.AppendLine();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Load while counting: {countersResult.RequestsPerSecond:N0} req/s; while tracing: {traceResult.RequestsPerSecond:N0} req/s (sampling slows the app)."));
        text.AppendLine();
        var means = CounterMeans(countersFile);
        double Mean(string counter) => means.Where(c => c.Counter.Contains(counter, StringComparison.Ordinal)).Sum(c => c.Mean);
        var perSecond = countersResult.RequestsPerSecond;
        text.AppendLine("### Per request, from the counters");
        text.AppendLine();
        text.AppendLine("| Measure | Value |");
        text.AppendLine("| --- | ---: |");
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| CPU per request (user + system ÷ req/s) | {Mean("dotnet.process.cpu.time") / perSecond * 1e6:N0} µs |"));
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| Allocated per request (allocation rate ÷ req/s) | {Mean("dotnet.gc.heap.total_allocated") / perSecond / 1024:N1} KB |"));
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| GC pause, share of wall time | {Mean("dotnet.gc.pause.time") * 100:N1} % |"));
        text.AppendLine();
        text.AppendLine("### Counters (mean over the run)");
        text.AppendLine();
        text.AppendLine("| Counter | Mean |");
        text.AppendLine("| --- | ---: |");
        foreach (var (counter, mean) in means.Where(c => ShownCounters.Any(shown => c.Counter.Contains(shown, StringComparison.Ordinal))))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {counter} | {mean:N2} |");
        }

        text.AppendLine();
        text.AppendLine("### Top methods by inclusive time (on the stack)");
        text.AppendLine();
        text.AppendLine("```");
        text.AppendLine(inclusive.TrimEnd());
        text.AppendLine("```");
        text.AppendLine();
        text.AppendLine("### Top methods by exclusive time (on top of the stack)");
        text.AppendLine();
        text.AppendLine("```");
        text.AppendLine(exclusive.TrimEnd());
        text.AppendLine("```");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Percentages are of all sampled thread time (~100 samples per second per managed thread), of which the frames of waiting threads are left out of these lists, and async plumbing out of the inclusive one (an awaited call's continuation runs the rest of the request on its stack, so the first awaited I/O, the session lookup, looks inclusive of the whole page): compare the request path's frames (Razor, antiforgery, Data Protection, authentication, Kestrel) with each other. Whole trace: `{Path.GetRelativePath(repositoryRoot, traceFile)}` (open the `.speedscope.json` beside it at speedscope.app, or the `.nettrace` in PerfView or Visual Studio); counters: `{Path.GetRelativePath(repositoryRoot, countersFile)}`.");
        return text.ToString();
    }

    private Process Tool(string repositoryRoot, string tool, string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The local tools manifest (dotnet-tools.json) is found from here.
            WorkingDirectory = repositoryRoot,
        };
        foreach (var argument in new[] { "tool", "run", tool, "--" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        return children.Start(start);
    }

    /// <summary>Waits for a tool to end well and returns what it printed.</summary>
    private static async Task<string> ExpectToolAsync(Process process, string tool, TimeSpan duration, CancellationToken cancellationToken)
    {
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(duration + TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new BenchException($"{tool} did not finish within {duration.TotalSeconds + 60:0} s.");
        }

        if (process.ExitCode != 0)
        {
            throw new BenchException(
                $"{tool} failed (exit {process.ExitCode}); scripts/bench.sh --profile restores it with `dotnet tool restore`:{Environment.NewLine}{await output}{await errors}");
        }

        return await output;
    }

    private async Task<string> ReportAsync(string repositoryRoot, string traceFile, bool inclusive, CancellationToken cancellationToken)
    {
        // Ask for more than shown: the waiting frames are dropped from the list.
        const string number = "120";
        string[] arguments = inclusive
            ? ["report", traceFile, "topN", "--number", number, "--inclusive"]
            : ["report", traceFile, "topN", "--number", number];
        var report = await ExpectToolAsync(Tool(repositoryRoot, "dotnet-trace", arguments), "dotnet-trace report", TimeSpan.FromSeconds(60), cancellationToken);
        var lines = report.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToList();
        var header = lines.FirstOrDefault(l => l.StartsWith("Top ", StringComparison.Ordinal)) ?? "";
        var kept = lines.Where(l => l.Length > 0 && char.IsAsciiDigit(l[0]))
            .Select(l => l[(l.IndexOf('.', StringComparison.Ordinal) + 1)..].TrimStart())
            .Where(l => !IdleFrames.Any(idle => l.Contains(idle, StringComparison.Ordinal)))
            .Where(l => !inclusive || !PlumbingFrames.Any(frame => l.Contains(frame, StringComparison.Ordinal)))
            .Take(TopMethods)
            .Select((l, i) => string.Create(CultureInfo.InvariantCulture, $"{i + 1,2}. {l}"));
        var title = header[..(header.IndexOf(')', StringComparison.Ordinal) + 1)];
        return string.Join(Environment.NewLine, kept.Prepend("    " + "Method".PadRight(Math.Max(title.Length - 4, 6)) + header[title.Length..]));
    }

    /// <summary>Mean of each counter over the run, from dotnet-counters' CSV (Timestamp,Provider,Counter Name,Counter Type,Mean/Increment).</summary>
    private static List<(string Counter, double Mean)> CounterMeans(string csv)
    {
        if (!File.Exists(csv))
        {
            return [];
        }

        return File.ReadLines(csv).Skip(1)
            .Select(line => line.Split(','))
            .Where(fields => fields.Length >= 5 && double.TryParse(fields[^1], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            .GroupBy(fields => $"{fields[1]}: {string.Join(",", fields[2..^2])}")
            .Select(g => (g.Key, g.Average(f => double.Parse(f[^1], NumberStyles.Float, CultureInfo.InvariantCulture))))
            .OrderBy(c => c.Key, StringComparer.Ordinal)
            .ToList();
    }
}
