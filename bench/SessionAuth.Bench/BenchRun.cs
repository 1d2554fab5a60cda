using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Sessions.Comparison;

namespace SessionAuth.Bench;

/// <summary>One place under load: an app instance in one mode, and the Redis it uses.</summary>
internal sealed record Slot(string Key, string Label, AppProcess App, RedisProcess Redis, string CookieFile);

/// <summary>
/// The whole benchmark: its own Redis servers and app instances, users and sessions made through
/// the real forms, interleaved wrk rounds, then the measurements that need no load.
/// </summary>
internal sealed class BenchRun(BenchProfile profile, string repositoryRoot, ChildProcesses children, TextWriter log)
{
    public const string CookieName = "session";
    private const string ProbePath = AuthComparisonExtensions.ProbePath;
    public const int RoleCount = 50;

    private readonly string _work = Directory.CreateTempSubdirectory("sessionauth-bench-").FullName;
    private readonly string _password = "bench " + Convert.ToBase64String(RandomNumberGenerator.GetBytes(15));
    private readonly string _cookieKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly HttpClient _http = Browser.CreateClient();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private string WebProject => Path.Combine(repositoryRoot, "src", "SessionAuth.Web");

    private string AppDll => Path.Combine(WebProject, "bin", "Release", "net10.0", "SessionAuth.Web.dll");

    private string DatabasePath => Path.Combine(_work, "accounts.db");

    public async Task<BenchReport> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await RunCoreAsync(cancellationToken);
        }
        finally
        {
            _http.Dispose();
            await children.DisposeAsync();
            try
            {
                Directory.Delete(_work, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }

    private async Task<BenchReport> RunCoreAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(AppDll))
        {
            throw new BenchException($"{AppDll} is missing: build first (scripts/bench.sh builds in Release).");
        }

        var report = new BenchReport(profile);
        Step("Starting redis-server twice (1,000 and many live sessions), persistence off");
        var redisMain = await RedisProcess.StartAsync(children, "main", _work);
        var redisLarge = await RedisProcess.StartAsync(children, "large", _work);
        report.RedisVersion = await redisMain.VersionAsync();

        // The app's own migration, once, so that the four instances can start side by side.
        await using var identity = IdentityServices.Create(WebProject, DatabasePath);
        await identity.MigrateAsync();

        Step("Starting the app (Release) once per mode, and once more on the large Redis");
        var apps = await Task.WhenAll(
            StartAppAsync("server-session", AuthComparisonMode.ServerSession, redisMain, cancellationToken),
            StartAppAsync("stateless-cookie", AuthComparisonMode.StatelessCookie, redisMain, cancellationToken),
            StartAppAsync("distributed-session", AuthComparisonMode.DistributedSession, redisMain, cancellationToken),
            StartAppAsync("server-session-large", AuthComparisonMode.ServerSession, redisLarge, cancellationToken));
        var (server, stateless, distributed, serverLarge) = (apps[0], apps[1], apps[2], apps[3]);

        Step($"Registering {profile.Users} users and one with {RoleCount} roles through the form");
        var emails = Enumerable.Range(1, profile.Users).Select(i => $"bench-user-{i:00}@bench.example").ToList();
        const string rolesEmail = "bench-roles@bench.example";
        await Parallel.ForEachAsync(emails.Append(rolesEmail), Parallelism(4, cancellationToken), async (email, ct) =>
            await NewBrowser(server).RegisterAsync(email, _password, ct));
        await identity.AddRolesAsync(rolesEmail, RoleCount);

        Step("Signing in every user in every mode through the form");
        var slots = new List<Slot>();
        var serverCookies = new List<string>();
        foreach (var (key, label, app, redis) in new[]
        {
            ("server", "Server session (the product)", server, redisMain),
            ("stateless", "Stateless cookie (ASP.NET cookie auth)", stateless, redisMain),
            ("distributed", "Distributed session (ASP.NET Session + RedisCache)", distributed, redisMain),
        })
        {
            var browsers = new Browser[emails.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, emails.Count), Parallelism(4, cancellationToken), async (i, ct) =>
            {
                browsers[i] = NewBrowser(app);
                await browsers[i].SignInAsync(emails[i], _password, ct);
            });
            var roles = NewBrowser(app);
            await roles.SignInAsync(rolesEmail, _password, cancellationToken);
            report.Cookies[key] = new CookieSize(browsers[0].AuthCookieBytes, roles.AuthCookieBytes, roles.AuthCookieCount);

            var cookies = browsers.Select(b => b.AuthCookieHeader).ToList();
            await ExpectProbeAsync(app, cookies, cancellationToken);
            var file = Path.Combine(_work, $"cookies-{key}.txt");
            await File.WriteAllLinesAsync(file, cookies, cancellationToken);
            slots.Add(new Slot(key, label, app, redis, file));
            if (key == "server")
            {
                serverCookies = cookies;
            }
        }

        var options = identity.SessionOptions;
        var storeMain = new RedisSessionStore(redisMain.Admin, Options.Create(options), TimeProvider.System);
        var storeLarge = new RedisSessionStore(redisLarge.Admin, Options.Create(options), TimeProvider.System);
        var hotIds = serverCookies.Select(ParseSessionId).ToList();
        var template = await storeMain.GetAndTouchAsync(hotIds[0], cancellationToken)
            ?? throw new BenchException("The first signed-in session is not in Redis.");

        Step("Copying the signed-in sessions to the large Redis");
        foreach (var id in hotIds)
        {
            var record = await storeMain.GetAndTouchAsync(id, cancellationToken) ?? throw new BenchException("A signed-in session vanished.");
            await storeLarge.CreateAsync(id, record, cancellationToken);
        }

        var mainLive = await CountSessionKeysAsync(redisMain, options.KeyPrefix);
        report.SmallLive = profile.SmallLive;
        Step($"Filling {profile.SmallLive - mainLive:N0} + {profile.LargeLive - hotIds.Count:N0} more sessions (the store's own writes, pipelined)");
        await SessionFill.FillAsync(storeMain, template, profile.SmallLive - mainLive, cancellationToken);
        var memoryBefore = await redisLarge.UsedMemoryAsync();
        var fillClock = Stopwatch.StartNew();
        await SessionFill.FillAsync(storeLarge, template, profile.LargeLive - hotIds.Count, cancellationToken);
        report.FillTime = fillClock.Elapsed;
        report.FilledSessions = profile.LargeLive - hotIds.Count;
        report.LargeLive = profile.LargeLive;
        report.MemoryPerFilledSession = (double)(await redisLarge.UsedMemoryAsync() - memoryBefore) / report.FilledSessions;

        var large = new Slot("server-large", "Server session (the product)", serverLarge, redisLarge, slots[0].CookieFile);
        await ExpectProbeAsync(serverLarge, serverCookies, cancellationToken);
        slots.Add(large);

        var wrk = new Wrk(children, Path.Combine(AppContext.BaseDirectory, "rotate-cookies.lua"), profile.Threads, profile.Connections);
        Step($"Warming up each mode for {profile.Warmup.TotalSeconds:0} s");
        foreach (var slot in slots)
        {
            await wrk.RunAsync(slot.App.BaseUrl + ProbePath, slot.CookieFile, profile.Warmup, cancellationToken);
        }

        for (var round = 0; round < profile.Rounds; round++)
        {
            // Interleaved, and each round starts with another mode: drift and noise hit every mode alike.
            var order = slots.Skip(round % slots.Count).Concat(slots.Take(round % slots.Count)).ToList();
            Step($"Round {round + 1} of {profile.Rounds}: {string.Join(", ", order.Select(s => s.Key))}, {profile.Duration.TotalSeconds:0} s each");
            var results = new Dictionary<string, WrkResult>();
            foreach (var slot in order)
            {
                var (appCpu, redisCpu) = (slot.App.CpuTime, slot.Redis.CpuTime);
                var result = await wrk.RunAsync(slot.App.BaseUrl + ProbePath, slot.CookieFile, profile.Duration, cancellationToken);
                result = result with
                {
                    AppCpuUs = (slot.App.CpuTime - appCpu).TotalMicroseconds / result.Requests,
                    RedisCpuUs = (slot.Redis.CpuTime - redisCpu).TotalMicroseconds / result.Requests,
                };
                results[slot.Key] = result;
                log.WriteLine(FormattableString.Invariant(
                    $"    {slot.Key,-13} {result.RequestsPerSecond,9:N0} req/s  p50 {result.P50Ms,6:0.00} ms  p99 {result.P99Ms,6:0.00} ms  CPU/request: app {result.AppCpuUs,5:0.0} µs, redis {result.RedisCpuUs,5:0.0} µs"));
            }

            report.Rounds.Add(results);
        }

        foreach (var slot in slots)
        {
            await ExpectProbeAsync(slot.App, [File.ReadLines(slot.CookieFile).First()], cancellationToken);
        }

        report.Labels = slots.ToDictionary(s => s.Key, s => s.Label);
        report.Wrk = $"wrk -t{wrk.Threads} -c{wrk.Connections} -d{profile.Duration.TotalSeconds:0}s --latency";

        Step($"Counting Redis commands over {profile.CountedRequests:N0} authenticated requests per mode");
        foreach (var slot in slots.Where(s => s.Key != "server-large"))
        {
            report.Commands[slot.Key] = await CommandCounter.CountAsync(_http, slot.App, slot.Redis, File.ReadAllLines(slot.CookieFile), profile.CountedRequests, cancellationToken);
        }

        Step("Measuring Redis memory per session");
        report.SessionKeyMemory = await redisMain.MemoryUsageAsync($"{options.KeyPrefix}:{{{hotIds[0].Tag}}}:s:{hotIds[0].Value}");
        report.DistributedKeyMemory = await DistributedKeyMemoryAsync(redisMain, options.KeyPrefix);

        Step($"Revoking all sessions of a user with 1 and {profile.RevokeMany:N0} sessions");
        (report.RevokeOne, report.RevokeMany) = await RevokeTimer.MeasureAsync(storeMain, template, profile.RevokeMany, profile.RevokeRepeats, cancellationToken);
        report.RevokeManyCount = profile.RevokeMany;

        Step("Timing the password check and sign-ins through the form");
        (report.PasswordCheck, report.HashDescription) = identity.TimePasswordCheck(_password, profile.PasswordSamples);
        report.LoginsPerSecond = await MeasureLoginsAsync(server, emails, cancellationToken);
        report.LoginConcurrency = profile.LoginConcurrency;

        report.Elapsed = _clock.Elapsed;
        return report;
    }

    private async Task<AppProcess> StartAppAsync(string name, AuthComparisonMode mode, RedisProcess redis, CancellationToken cancellationToken)
    {
        var app = AppProcess.Start(children, name, AppDll, WebProject, _work, AppSettings(mode, redis), out var ready);
        await ready(cancellationToken);
        return app;
    }

    /// <summary>
    /// Production settings but plain http on loopback: no Secure cookies, so the cookie is `session`
    /// rather than `__Host-session`. One cookie key for all, so a session copied to the large
    /// Redis verifies there too. The rate limit on the forms is lifted: the bench signs in a lot.
    /// </summary>
    private Dictionary<string, string> AppSettings(AuthComparisonMode mode, RedisProcess redis) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["ConnectionStrings__Accounts"] = $"Data Source={DatabasePath}",
        ["ConnectionStrings__Redis"] = redis.ConnectionString,
        ["Sessions__SecureCookies"] = "false",
        ["Sessions__CookieName"] = CookieName,
        ["Sessions__CookieKey"] = _cookieKey,
        ["AccountEndpoints__PermitLimit"] = "1000000",
        ["Benchmark__AuthMode"] = mode.ToString(),
        ["Hosting__InstanceName"] = $"bench-{mode}",
        ["Logging__LogLevel__Default"] = "Warning",
    };

    private Browser NewBrowser(AppProcess app) => new(_http, app.BaseUrl, CookieName);

    private async Task ExpectProbeAsync(AppProcess app, IEnumerable<string> cookies, CancellationToken cancellationToken)
    {
        foreach (var cookie in cookies)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(app.BaseUrl + ProbePath));
            request.Headers.TryAddWithoutValidation("Cookie", cookie);
            using var response = await _http.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new BenchException($"{app.Name}: {ProbePath} with a signed-in session answered {(int)response.StatusCode}, not 200.");
            }
        }
    }

    private async Task<double> MeasureLoginsAsync(AppProcess app, List<string> emails, CancellationToken cancellationToken)
    {
        var signIns = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, profile.LoginConcurrency), Parallelism(profile.LoginConcurrency, cancellationToken), async (worker, ct) =>
        {
            var browser = NewBrowser(app);
            for (var i = worker; clock.Elapsed < profile.LoginDuration; i += profile.LoginConcurrency)
            {
                await browser.SignInAsync(emails[i % emails.Count], _password, ct);
                Interlocked.Increment(ref signIns);
            }
        });
        return signIns / clock.Elapsed.TotalSeconds;
    }

    private static SessionId ParseSessionId(string cookieHeader)
    {
        var value = cookieHeader[(cookieHeader.IndexOf('=', StringComparison.Ordinal) + 1)..];
        return SessionId.TryParse(value.AsSpan(0, SessionId.Length), out var id)
            ? id
            : throw new BenchException($"The server-session cookie does not start with a session id: {cookieHeader}");
    }

    private static async Task<int> CountSessionKeysAsync(RedisProcess redis, string prefix)
    {
        var count = 0;
        await foreach (var _ in redis.Server.KeysAsync(pattern: $"{prefix}:{{*}}:s:*", pageSize: 1000))
        {
            count++;
        }

        return count;
    }

    /// <summary>The median over the signed-in users' ASP.NET sessions, so the one with 50 roles does not count.</summary>
    private static async Task<long> DistributedKeyMemoryAsync(RedisProcess redis, string prefix)
    {
        var sizes = new List<double>();
        await foreach (var key in redis.Server.KeysAsync(pattern: $"{prefix}:aspnet-session:*"))
        {
            sizes.Add(await redis.MemoryUsageAsync(key));
        }

        return (long)Stats.Median(sizes);
    }

    private void Step(string what) =>
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed:mm\\:ss}] {what}"));

    private static ParallelOptions Parallelism(int degree, CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = degree, CancellationToken = cancellationToken };
}

/// <summary>Redis commands per authenticated request, counted by Redis itself (INFO commandstats).</summary>
internal sealed record CommandCount(double PerRequest, IReadOnlyDictionary<string, double> ByCommand);

internal static class CommandCounter
{
    // The bench's own INFO and the clients' upkeep (heartbeats, handshakes), not the request path.
    private static readonly string[] NotRequestPath =
        ["info", "ping", "echo", "client", "cluster", "config", "subscribe", "hello", "command", "select", "role", "sentinel", "memory"];

    public static async Task<CommandCount> CountAsync(
        HttpClient http, AppProcess app, RedisProcess redis, IReadOnlyList<string> cookies, int requests, CancellationToken cancellationToken)
    {
        var next = -1;
        var before = await redis.CommandCallsAsync();
        await Parallel.ForEachAsync(Enumerable.Range(0, 8), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (_, ct) =>
            {
                for (var i = Interlocked.Increment(ref next); i < requests; i = Interlocked.Increment(ref next))
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(app.BaseUrl + AuthComparisonExtensions.ProbePath));
                    request.Headers.TryAddWithoutValidation("Cookie", cookies[i % cookies.Count]);
                    using var response = await http.SendAsync(request, ct);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        throw new BenchException($"{app.Name}: a counted request answered {(int)response.StatusCode}, not 200.");
                    }
                }
            });
        var after = await redis.CommandCallsAsync();
        var byCommand = after
            .Where(c => !NotRequestPath.Any(n => c.Key == n || c.Key.StartsWith(n + "|", StringComparison.Ordinal)))
            .Select(c => (c.Key, Calls: c.Value - before.GetValueOrDefault(c.Key)))
            .Where(c => c.Calls > 0)
            .OrderByDescending(c => c.Calls)
            .ToDictionary(c => c.Key, c => (double)c.Calls / requests);
        return new CommandCount(byCommand.Values.Sum(), byCommand);
    }
}

/// <summary>Live sessions written by the store's own CreateAsync, many in flight at once.</summary>
internal static class SessionFill
{
    public static async Task FillAsync(RedisSessionStore store, SessionRecord template, int count, CancellationToken cancellationToken)
    {
        const int inFlight = 4_000;
        var pending = new List<Task>(inFlight);
        var userId = "";
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < count; i++)
        {
            // Two sessions per user, each user with an index of its own, like real traffic.
            if (i % 2 == 0)
            {
                userId = Guid.NewGuid().ToString();
            }

            var record = template with
            {
                UserId = userId,
                UserName = $"user{i:D7}@bench.example",
                Email = $"user{i:D7}@bench.example",
                CreatedAt = now,
                AbsoluteExpiresAt = template.AbsoluteExpiresAt,
            };
            pending.Add(store.CreateAsync(SessionId.New(userId), record, cancellationToken));
            if (pending.Count == inFlight)
            {
                await Task.WhenAll(pending);
                pending.Clear();
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        await Task.WhenAll(pending);
    }
}

/// <summary>ISessionStore.RemoveAllByUserAsync for a user with one session and with many.</summary>
internal static class RevokeTimer
{
    public static async Task<(double OneMs, double ManyMs)> MeasureAsync(
        RedisSessionStore store, SessionRecord template, int many, int repeats, CancellationToken cancellationToken)
    {
        var one = new List<double>();
        var all = new List<double>();
        for (var i = 0; i < repeats + 1; i++)
        {
            var oneMs = await TimeAsync(1);
            var manyMs = await TimeAsync(many);
            if (i > 0)
            {
                // The first pass warms the code paths.
                one.Add(oneMs);
                all.Add(manyMs);
            }
        }

        return (Stats.Median(one), Stats.Median(all));

        async Task<double> TimeAsync(int sessions)
        {
            var userId = Guid.NewGuid().ToString();
            var record = template with { UserId = userId };
            await Task.WhenAll(Enumerable.Range(0, sessions).Select(_ => store.CreateAsync(SessionId.New(userId), record, cancellationToken)));
            var clock = Stopwatch.StartNew();
            var removed = await store.RemoveAllByUserAsync(userId, cancellationToken: cancellationToken);
            var elapsed = clock.Elapsed.TotalMilliseconds;
            return removed == sessions
                ? elapsed
                : throw new BenchException($"RemoveAllByUserAsync ended {removed} sessions, not {sessions}.");
        }
    }
}

internal static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
