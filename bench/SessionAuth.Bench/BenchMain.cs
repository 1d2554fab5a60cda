using System.Globalization;
using SessionAuth.Bench.Hosting;

namespace SessionAuth.Bench;

/// <summary>
/// `dotnet SessionAuth.Bench.dll [--quick] [--rounds N] [--seconds N] [--large N] [--output FILE] [--peers | --no-peers]`,
/// normally through scripts/bench.sh (see bench/README.md). The published numbers come from the defaults.
/// Exit codes: 0 done (the full run reports MISS in its table, not in its exit code),
/// 1 a quick-mode check failed, 2 the benchmark itself could not run.
/// `--serve MODE --port N` is how the bench starts each copy of the app (ServeCommand).
/// </summary>
internal static class BenchMain
{
    public static async Task<int> Main(string[] args)
    {
        if (Option(args, "--serve") is { } serve)
        {
            return await ServeCommand.RunAsync(AuthModes.Parse(serve), int.Parse(Option(args, "--port") ?? "0", CultureInfo.InvariantCulture));
        }

        var quick = args.Contains("--quick");
        var profiling = args.Contains("--profile");
        var comparing = args.Contains("--compare");
        var profile = profiling ? BenchProfile.Profiling : comparing ? BenchProfile.Compare : quick ? BenchProfile.Smoke : BenchProfile.Full;
        if (Option(args, "--rounds") is { } rounds)
        {
            profile = profile with { Rounds = int.Parse(rounds, CultureInfo.InvariantCulture) };
        }

        if (Option(args, "--seconds") is { } seconds)
        {
            profile = profile with { Duration = TimeSpan.FromSeconds(int.Parse(seconds, CultureInfo.InvariantCulture)) };
        }

        if (Option(args, "--large") is { } large)
        {
            profile = profile with { LargeLive = int.Parse(large, CultureInfo.InvariantCulture) };
        }

        var root = FindRepositoryRoot();
        var output = Option(args, "--output") is { } path
            ? Path.GetFullPath(path)
            : quick ? null : Path.Combine(root, "bench", "results", "latest.md");
        var command = string.Join(' ', args.Prepend("scripts/bench.sh"));

        // The Node peers (bench/peers): in a full run unless --no-peers; in quick mode only with --peers,
        // so the smoke check stays fast and needs no npm.
        var peers = quick ? args.Contains("--peers") : !args.Contains("--no-peers");

        await using var children = new ChildProcesses();
        using var cancellation = new CancellationTokenSource(profile.Deadline);
        // Whatever ends the bench, its redis-servers, apps and wrk end with it.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => children.KillAll();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };

        if (profiling)
        {
            return await ProfileAsync(args, profile, root, children, cancellation);
        }

        if (comparing)
        {
            return await CompareAsync(args, profile, root, children, cancellation);
        }

        BenchReport report;
        try
        {
            report = await new BenchRun(profile, children, Console.Out, peers ? Path.Combine(root, "bench", "peers") : null).RunAsync(cancellation.Token);
        }
        catch (BenchException ex)
        {
            await Console.Error.WriteLineAsync($"Benchmark failed: {ex.Message}");
            return 2;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync(
                $"Benchmark stopped: interrupted, or past its time limit of {profile.Deadline.TotalSeconds:0} s.");
            return 2;
        }

        var markdown = report.ToMarkdown(command, Machine.Describe());
        Console.WriteLine();
        Console.WriteLine(markdown);
        if (output is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            await File.WriteAllTextAsync(output, markdown);
            Console.WriteLine($"Written to {Path.GetRelativePath(root, output)}.");
        }

        if (!quick)
        {
            var checks = report.Checks().Where(c => c.Pass is not null).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{checks.Count(c => c.Pass == true)} of {checks.Count} targets met; {report.Elapsed.TotalSeconds:0} s."));
            return 0;
        }

        var failed = report.Checks().Where(c => c.Smoke && c.Pass != true).ToList();
        foreach (var check in failed)
        {
            await Console.Error.WriteLineAsync($"Benchmark smoke check FAILED: {check.Measurement} is {check.Value}; the target is {check.Target}.");
        }

        Console.WriteLine(failed.Count == 0
            ? string.Create(CultureInfo.InvariantCulture, $"Benchmark smoke check passed in {report.Elapsed.TotalSeconds:0} s: one Redis command per authenticated request on the probe and on /Dashboard (one round trip with HttpContext.Session data set, two on a page that changes a key), 0 and 1 on /api/me without and with Tokens:CheckRevocation, cookie within 128 bytes, sign-out revokes.")
            : "Benchmark smoke check failed.");
        return failed.Count == 0 ? 0 : 1;
    }

    /// <summary>`--profile [--mode MODE] [--page PATH] [--seconds N]`: prints where the page's time goes, writes bench/results/profile.md.</summary>
    private static async Task<int> ProfileAsync(string[] args, BenchProfile profile, string root, ChildProcesses children, CancellationTokenSource cancellation)
    {
        var mode = AuthModes.Parse(Option(args, "--mode") ?? AuthMode.ServerSession.Name());
        var page = Option(args, "--page") ?? SessionAuth.Web.Infrastructure.AppRoutes.Dashboard;
        var output = Option(args, "--output") is { } path ? Path.GetFullPath(path) : Path.Combine(root, "bench", "results", "profile.md");
        string markdown;
        try
        {
            markdown = await new BenchRun(profile, children, Console.Out)
                .ProfileAsync(root, mode, page, Path.Combine(root, "artifacts", "bench-profile"), cancellation.Token);
        }
        catch (BenchException ex)
        {
            await Console.Error.WriteLineAsync($"Profile failed: {ex.Message}");
            return 2;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"Profile stopped: interrupted, or past its time limit of {profile.Deadline.TotalSeconds:0} s.");
            return 2;
        }

        Console.WriteLine();
        Console.WriteLine(markdown);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllTextAsync(output, markdown);
        Console.WriteLine($"Written to {Path.GetRelativePath(root, output)}.");
        return 0;
    }

    /// <summary>`--compare [--variant "NAME=VALUE …"] [--no-peers] [--rounds N] [--seconds N] [--output FILE]`: the product's /Dashboard against the Node peers' alone.</summary>
    private static async Task<int> CompareAsync(string[] args, BenchProfile profile, string root, ChildProcesses children, CancellationTokenSource cancellation)
    {
        string markdown;
        try
        {
            // `--variant "DOTNET_gcServer=0 DOTNET_TieredPGO=0"`: a second copy of the app with these variables.
            var variant = (Option(args, "--variant") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(pair => pair.Split('=', 2))
                .ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : "", StringComparer.Ordinal);
            var peers = args.Contains("--no-peers") ? null : Path.Combine(root, "bench", "peers");
            markdown = await new BenchRun(profile, children, Console.Out, peers).CompareAsync(variant, cancellation.Token);
        }
        catch (BenchException ex)
        {
            await Console.Error.WriteLineAsync($"Comparison failed: {ex.Message}");
            return 2;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"Comparison stopped: interrupted, or past its time limit of {profile.Deadline.TotalSeconds:0} s.");
            return 2;
        }

        Console.WriteLine();
        Console.WriteLine(markdown);
        if (Option(args, "--output") is { } path)
        {
            var output = Path.GetFullPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            await File.WriteAllTextAsync(output, markdown);
            Console.WriteLine($"Written to {Path.GetRelativePath(root, output)}.");
        }

        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SessionAuth.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("SessionAuth.sln not found above the bench's folder.");
    }
}

/// <summary>What the numbers ran on: cores, CPU model and memory, as Linux reports them.</summary>
internal static class Machine
{
    public static string Describe()
    {
        var cpu = Read("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var memKb = Read("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            ?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var memory = memKb is null ? "unknown" : string.Create(CultureInfo.InvariantCulture, $"{long.Parse(memKb, CultureInfo.InvariantCulture) / 1024.0 / 1024.0:0.0} GiB RAM");
        return string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores (nproc), {cpu}, {memory}, Linux {Environment.OSVersion.Version}");
    }

    private static string[] Read(string path) => File.Exists(path) ? File.ReadAllLines(path) : [];
}
