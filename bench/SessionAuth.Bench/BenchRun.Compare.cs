using System.Globalization;
using System.Text;
using SessionAuth.Bench.Hosting;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Bench;

/// <summary>
/// `--compare`: the product's /Dashboard against the Node peers' alone, as an outside check measures
/// it: one Redis, the server-session app and both peers, a few long interleaved rounds (default 3 of
/// 8 s), CPU per request of each server (all its processes) and of redis-server, Redis commands per
/// request, and the ratios within each round. A few minutes, so a change to the hot path can be
/// measured again and again; the full run keeps every other table.
/// </summary>
internal sealed partial class BenchRun
{
    /// <param name="variant">
    /// Environment variables ("NAME=VALUE", e.g. DOTNET_gcServer=0) for a second copy of the app, measured
    /// in the same rounds: what one runtime or app setting does, against the same noise. Empty: no second copy.
    /// </param>
    public async Task<string> CompareAsync(IReadOnlyDictionary<string, string> variant, CancellationToken cancellationToken)
    {
        try
        {
            return await CompareCoreAsync(variant, cancellationToken);
        }
        finally
        {
            await CleanUpAsync();
        }
    }

    private async Task<string> CompareCoreAsync(IReadOnlyDictionary<string, string> variant, CancellationToken cancellationToken)
    {
        var report = new BenchReport(profile);
        Step("Starting redis-server and the app (server session)");
        var redis = await RedisProcess.StartAsync(children, "main", _work);
        report.RedisVersion = await redis.VersionAsync();
        await using (AppServices.Start(AppSettings(redis, "services")))
        {
            // Started only to migrate the accounts database, as in the full run.
        }

        var app = await StartAppAsync("server-session", AuthMode.ServerSession, redis, cancellationToken);

        Step($"Registering and signing in {profile.Users} users through the form");
        var emails = Enumerable.Range(1, profile.Users).Select(i => $"bench-user-{i:00}@bench.example").ToList();
        await Parallel.ForEachAsync(emails, Parallelism(4, cancellationToken), async (email, ct) =>
            await NewBrowser(app).RegisterAsync(email, _password, ct));
        var slots = new List<Slot> { await SignedInSlotAsync("server", "SessionAuth `/Dashboard` (server session)", app) };
        if (variant.Count > 0)
        {
            var settings = AppSettings(redis, "server-variant");
            foreach (var (name, value) in variant)
            {
                settings[name] = value;
            }

            var copy = AppProcess.Start(children, "server-variant", AuthMode.ServerSession, _work, settings, out var ready);
            await ready(cancellationToken);
            var label = $"SessionAuth `/Dashboard` with {string.Join(" ", variant.Select(v => $"{v.Key}={v.Value}"))}";
            slots.Add(await SignedInSlotAsync("variant", label, copy));
        }

        var peerSlots = await StartPeersAsync(report, redis, emails, cancellationToken);
        var targets = slots.Select(s => new Target(s.Key, s, AppRoutes.Dashboard))
            .Concat(peerSlots.Select(s => new Target(s.Key, s, PeerProcess.DashboardPath)))
            .ToList();
        await MeasurePageBytesAsync(report, targets, cancellationToken);

        var wrk = new Wrk(children, Path.Combine(AppContext.BaseDirectory, "rotate-cookies.lua"), profile.Threads, profile.Connections);
        Step($"Warming up each /Dashboard for {profile.Warmup.TotalSeconds:0} s");
        foreach (var target in targets)
        {
            await wrk.RunAsync(target.Slot.App.BaseUrl + target.Path, target.Slot.CookieFile, profile.Warmup, cancellationToken);
        }

        for (var round = 0; round < profile.Rounds; round++)
        {
            var order = targets.Skip(round % targets.Count).Concat(targets.Take(round % targets.Count)).ToList();
            Step($"Round {round + 1} of {profile.Rounds}: {string.Join(", ", order.Select(t => t.Key))}, {profile.Duration.TotalSeconds:0} s each");
            var results = new Dictionary<string, WrkResult>();
            foreach (var target in order)
            {
                var result = await MeasureAsync(wrk, target, profile.Duration, cancellationToken);
                results[target.Key] = result;
                log.WriteLine(FormattableString.Invariant(
                    $"    {target.Key,-10} {result.RequestsPerSecond,9:N0} req/s  p99 {result.P99Ms,6:0.00} ms  CPU/request: app {result.AppCpuUs,5:0.0} µs, redis {result.RedisCpuUs,5:0.0} µs"));
            }

            report.Rounds.Add(results);
        }

        Step($"Counting Redis commands over {profile.CountedRequests:N0} requests per /Dashboard");
        foreach (var target in targets)
        {
            report.Commands[target.Key] = await CommandCounter.CountAsync(
                _http, target.Slot.App, target.Path, target.Slot.Redis, File.ReadAllLines(target.Slot.CookieFile), profile.CountedRequests, cancellationToken);
        }

        var labels = slots.Concat(peerSlots).ToDictionary(s => s.Key, s => s.Label);
        return CompareMarkdown(report, targets.Select(t => t.Key).ToList(), labels, wrk);

        async Task<Slot> SignedInSlotAsync(string key, string label, AppProcess server)
        {
            var browsers = new Browser[emails.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, emails.Count), Parallelism(4, cancellationToken), async (i, ct) =>
            {
                browsers[i] = NewBrowser(server);
                await browsers[i].SignInAsync(emails[i], _password, ct);
            });
            var cookieFile = Path.Combine(_work, $"cookies-{key}.txt");
            await File.WriteAllLinesAsync(cookieFile, browsers.Select(b => b.AuthCookieHeader), cancellationToken);
            var slot = new Slot(key, label, server, redis, cookieFile);
            await ExpectPagesAsync(slot, emails, cancellationToken);
            return slot;
        }
    }

    private string CompareMarkdown(BenchReport report, List<string> keys, Dictionary<string, string> labels, Wrk wrk)
    {
        string Median(string key, Func<WrkResult, double> value, string format) =>
            Stats.Median(report.Rounds.Select(r => value(r[key]))).ToString(format, CultureInfo.InvariantCulture);
        string Rounds(string key, Func<WrkResult, double> value) =>
            string.Join(", ", report.Rounds.Select(r => value(r[key]).ToString("0", CultureInfo.InvariantCulture)));

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"`GET /Dashboard`, signed in, same Redis {report.RedisVersion}: `wrk -t{wrk.Threads} -c{wrk.Connections} -d{profile.Duration.TotalSeconds:0}s`, {profile.Rounds} interleaved rounds after {profile.Warmup.TotalSeconds:0} s of warm-up each, {profile.Users} sessions; medians of the rounds (each round's value in brackets). {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Machine.Describe()}{(report.NodeVersion is { } node ? $", Node {node}" : "")}.");
        text.AppendLine();
        text.AppendLine("| Server | req/s | p99 ms | CPU µs per request: server (all its processes) | redis-server | Redis commands / request | Page bytes |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var key in keys)
        {
            var commands = report.Commands.TryGetValue(key, out var count)
                ? count.PerRequest.ToString("0.00", CultureInfo.InvariantCulture) + " (" + string.Join(", ", count.ByCommand.Select(c => $"{c.Key.ToUpperInvariant()} {c.Value:0.00}")) + ")"
                : "—";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {labels[key]} | {Median(key, r => r.RequestsPerSecond, "N0")} ({Rounds(key, r => r.RequestsPerSecond)}) | {Median(key, r => r.P99Ms, "0.00")} | {Median(key, r => r.AppCpuUs, "0")} ({Rounds(key, r => r.AppCpuUs)}) | {Median(key, r => r.RedisCpuUs, "0.0")} | {commands} | {report.PageBytes.GetValueOrDefault(key):N0} |");
        }

        foreach (var other in keys.Where(k => k != "server"))
        {
            var peer = other;
            var ratios = report.Rounds.Select(r => r["server"].RequestsPerSecond / r[peer].RequestsPerSecond).ToList();
            var cpu = report.Rounds.Select(r => r["server"].AppCpuUs / r[peer].AppCpuUs).ToList();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| Ratio: server ÷ {peer}, within each round (req/s; CPU µs) | {Stats.Median(ratios):0.00} ({string.Join(", ", ratios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))}) | | {Stats.Median(cpu):0.00} | | | |");
        }

        if (report.PeersSkipped is { } skipped)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Node peers skipped: {skipped}");
        }

        return text.ToString();
    }

    /// <summary>One wrk run on a target, with the CPU its server and redis-server spent per request meanwhile.</summary>
    private static async Task<WrkResult> MeasureAsync(Wrk wrk, Target target, TimeSpan duration, CancellationToken cancellationToken)
    {
        var slot = target.Slot;
        var (appCpu, redisCpu) = (slot.App.CpuTime, slot.Redis.CpuTime);
        var result = await wrk.RunAsync(slot.App.BaseUrl + target.Path, slot.CookieFile, duration, cancellationToken, slot.Header);
        return result with
        {
            AppCpuUs = (slot.App.CpuTime - appCpu).TotalMicroseconds / result.Requests,
            RedisCpuUs = (slot.Redis.CpuTime - redisCpu).TotalMicroseconds / result.Requests,
        };
    }
}
