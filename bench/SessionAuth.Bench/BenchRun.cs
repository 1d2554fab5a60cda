using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using SessionAuth.Bench.Hosting;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Pages;
using SessionAuth.Web.Sessions;
using StackExchange.Redis;

namespace SessionAuth.Bench;

/// <summary>
/// One server under load: a copy of the app in one mode or a Node peer, the Redis it uses and its
/// signed-in credentials, one header value a line (Cookie, or Authorization for the token API).
/// </summary>
internal sealed record Slot(string Key, string Label, IServerProcess App, RedisProcess Redis, string CookieFile, string Header = "Cookie");

/// <summary>One page of one slot that wrk loads; its key names its column in the report.</summary>
internal sealed record Target(string Key, Slot Slot, string Path);

/// <summary>What one mode did with a cookie copied before sign-out and presented after it.</summary>
internal sealed record SignOutCheck(HttpStatusCode AfterSignOut, HttpStatusCode CopiedCookie);

/// <summary>
/// The whole benchmark: its own Redis servers and copies of the app (one process per mode), users and
/// sessions made through the real forms, interleaved wrk rounds on the probe and on /Dashboard, then
/// the measurements that need no load.
/// </summary>
/// <param name="peersDirectory">bench/peers, to add the Node peers' /Dashboard to the rounds; null leaves them out.</param>
internal sealed partial class BenchRun(BenchProfile profile, ChildProcesses children, TextWriter log, string? peersDirectory = null)
{
    public const string CookieName = "session";
    public const string DashboardSuffix = ":dashboard";
    public const int RoleCount = 50;

    private readonly string _work = Directory.CreateTempSubdirectory("sessionauth-bench-").FullName;
    private readonly string _password = "bench " + Convert.ToBase64String(RandomNumberGenerator.GetBytes(15));
    private readonly HttpClient _http = Browser.CreateClient();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private string DatabasePath => Path.Combine(_work, "accounts.db");

    public async Task<BenchReport> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await RunCoreAsync(cancellationToken);
        }
        finally
        {
            await CleanUpAsync();
        }
    }

    /// <summary>Ends every process this run started and removes its work folder, whatever happened.</summary>
    private async Task CleanUpAsync()
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

    /// <summary>
    /// Production settings but plain http on loopback: no Secure cookies, so the cookie is `session`
    /// rather than `__Host-session`; the same in every mode. The rate limit on the forms is lifted:
    /// the bench signs in a lot from one address.
    /// </summary>
    public Dictionary<string, string> AppSettings(RedisProcess redis, string instance) => new()
    {
        ["ConnectionStrings:Accounts"] = $"Data Source={DatabasePath}",
        ["ConnectionStrings:Redis"] = redis.ConnectionString,
        ["Sessions:SecureCookies"] = "false",
        ["Sessions:CookieName"] = CookieName,
        ["AccountEndpoints:PermitLimit"] = "1000000",
        // The bench's access tokens outlive the whole run.
        ["Tokens:AccessTokenLifetime"] = "01:00:00",
        ["Tokens:CheckRevocation"] = "false",
        ["Hosting:InstanceName"] = $"bench-{instance}",
        // The operators' console is measured too (AdminTimer).
        ["Admin:Emails:0"] = AdminTimer.OperatorEmail,
        ["Logging:LogLevel:Default"] = "Warning",
        // Production refuses to start without a token signing key.
        ["Tokens:SigningKey"] = TokenSigningKey,
    };

    private static readonly string TokenSigningKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// The bench's own store calls (the fill, the revoke timing) wait longer for Redis than the app's 1 s:
    /// on a machine busy with builds, a thousand pipelined writes can take longer, and that is no result.
    /// </summary>
    private Dictionary<string, string> ServicesSettings(RedisProcess redis, string instance)
    {
        var settings = AppSettings(redis, instance);
        settings["Redis:OperationTimeout"] = "00:00:10";
        return settings;
    }

    private async Task<BenchReport> RunCoreAsync(CancellationToken cancellationToken)
    {
        var report = new BenchReport(profile);
        Step("Starting redis-server twice (1,000 and many live sessions), persistence off");
        var redisMain = await RedisProcess.StartAsync(children, "main", _work);
        var redisLarge = await RedisProcess.StartAsync(children, "large", _work);
        report.RedisVersion = await redisMain.VersionAsync();

        // The app's own start-up migrates the database once, before the instances start side by side.
        await using var servicesMain = AppServices.Start(ServicesSettings(redisMain, "services"));
        await using var servicesLarge = AppServices.Start(ServicesSettings(redisLarge, "services-large"));

        Step("Starting the app (Release, Production) once per mode, and once more on the large Redis");
        var apps = await Task.WhenAll(
            StartAppAsync("server-session", AuthMode.ServerSession, redisMain, cancellationToken),
            StartAppAsync("stateless-cookie", AuthMode.StatelessCookie, redisMain, cancellationToken),
            StartAppAsync("distributed-session", AuthMode.DistributedSession, redisMain, cancellationToken),
            StartAppAsync("server-session-large", AuthMode.ServerSession, redisLarge, cancellationToken),
            StartAppAsync("api-revocation", AuthMode.ServerSession, redisMain, cancellationToken, checkRevocation: true));
        var (server, stateless, distributed, serverLarge, apiRevocation) = (apps[0], apps[1], apps[2], apps[3], apps[4]);

        Step($"Registering {profile.Users} users and one with {RoleCount} roles through the form");
        var emails = Enumerable.Range(1, profile.Users).Select(i => $"bench-user-{i:00}@bench.example").ToList();
        const string rolesEmail = "bench-roles@bench.example";
        await Parallel.ForEachAsync(emails.Append(rolesEmail), Parallelism(4, cancellationToken), async (email, ct) =>
            await NewBrowser(server).RegisterAsync(email, _password, ct));
        await servicesMain.AddRolesAsync(rolesEmail, RoleCount);

        Step("Checking each mode: sign-in, the probe and /Dashboard, sign-out, a cookie copied before sign-out");
        foreach (var (key, app) in new[] { ("server", server), ("stateless", stateless), ("distributed", distributed) })
        {
            report.SignOuts[key] = await CheckModeAsync(app, emails[0], cancellationToken);
        }

        Step("Signing in every user in every mode through the form");
        var slots = new List<Slot>();
        foreach (var (key, label, app, redis) in new[]
        {
            ("server", "Server session (the product)", server, redisMain),
            ("stateless", "Stateless cookie (ASP.NET cookie auth)", stateless, redisMain),
            ("distributed", "Distributed session (ASP.NET Session + RedisCache)", distributed, redisMain),
            ("server-large", "Server session (the product)", serverLarge, redisLarge),
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
            if (key != "server-large")
            {
                report.Cookies[key] = new CookieSize(browsers[0].AuthCookieBytes, roles.AuthCookieBytes, roles.AuthCookieCount);
            }

            var cookies = browsers.Select(b => b.AuthCookieHeader).ToList();
            var file = Path.Combine(_work, $"cookies-{key}.txt");
            await File.WriteAllLinesAsync(file, cookies, cancellationToken);
            var slot = new Slot(key, label, app, redis, file);
            await ExpectPagesAsync(slot, emails, cancellationToken);
            slots.Add(slot);
        }

        var peerSlots = await StartPeersAsync(report, redisMain, emails, cancellationToken);

        Step("Getting a bearer token for every user through POST /api/auth/token, without and with Tokens:CheckRevocation");
        var apiSlots = await StartApiSlotsAsync(server, apiRevocation, redisMain, emails, cancellationToken);

        Step("Signing in every user once more on the server-session app and saving both preferences (HttpContext.Session data)");
        var dataSlot = await StartSessionDataSlotAsync(server, redisMain, emails, cancellationToken);

        var everyone = await Task.WhenAll(emails.Append(rolesEmail).Select(servicesMain.UserIdAsync));
        var firstSessions = await servicesMain.Store.ListByUserAsync(everyone[0], cancellationToken);
        var template = (firstSessions.Count > 0 ? firstSessions[0].Record : null)
            ?? throw new BenchException("The first signed-in user has no session in the store.");

        var mainLive = await LiveSessionsAsync(servicesMain.Store, everyone, cancellationToken);
        var largeLive = await LiveSessionsAsync(servicesLarge.Store, everyone, cancellationToken);
        report.SmallLive = profile.SmallLive;
        Step($"Filling {profile.SmallLive - mainLive:N0} + {profile.LargeLive - largeLive:N0} more sessions (the store's own writes, pipelined)");
        await SessionFill.FillAsync(servicesMain.Store, template, profile.SmallLive - mainLive, cancellationToken);
        var memoryBefore = await redisLarge.UsedMemoryAsync();
        var fillClock = Stopwatch.StartNew();
        await SessionFill.FillAsync(servicesLarge.Store, template, profile.LargeLive - largeLive, cancellationToken);
        report.FillTime = fillClock.Elapsed;
        report.FilledSessions = profile.LargeLive - largeLive;
        report.LargeLive = profile.LargeLive;
        report.MemoryPerFilledSession = (double)(await redisLarge.UsedMemoryAsync() - memoryBefore) / report.FilledSessions;

        // The probe in every slot; /Dashboard, the page a person sees, in every mode and in each Node peer.
        var targets = slots.Select(s => new Target(s.Key, s, ProbePage.Path))
            .Concat(slots.Where(s => s.Key != "server-large").Select(s => new Target(s.Key + DashboardSuffix, s, AppRoutes.Dashboard)))
            .Concat(peerSlots.Select(s => new Target(s.Key + DashboardSuffix, s, PeerProcess.DashboardPath)))
            .Concat(apiSlots.Select(s => new Target(s.Key, s, ApiMePath)))
            .Concat(SessionDataTargets(dataSlot))
            .ToList();
        await MeasurePageBytesAsync(report, targets.Where(t => t.Key.EndsWith(DashboardSuffix, StringComparison.Ordinal)), cancellationToken);
        var wrk = new Wrk(children, Path.Combine(AppContext.BaseDirectory, "rotate-cookies.lua"), profile.Threads, profile.Connections);
        Step($"Warming up each mode and page for {profile.Warmup.TotalSeconds:0} s");
        foreach (var target in targets)
        {
            await wrk.RunAsync(target.Slot.App.BaseUrl + target.Path, target.Slot.CookieFile, profile.Warmup, cancellationToken, target.Slot.Header);
        }

        for (var round = 0; round < profile.Rounds; round++)
        {
            // Interleaved, and each round starts with another target: drift and noise hit every one alike.
            var order = targets.Skip(round % targets.Count).Concat(targets.Take(round % targets.Count)).ToList();
            Step($"Round {round + 1} of {profile.Rounds}: {string.Join(", ", order.Select(t => t.Key))}, {profile.Duration.TotalSeconds:0} s each");
            var results = new Dictionary<string, WrkResult>();
            foreach (var target in order)
            {
                var result = await MeasureAsync(wrk, target, profile.Duration, cancellationToken);
                results[target.Key] = result;
                log.WriteLine(FormattableString.Invariant(
                    $"    {target.Key,-22} {result.RequestsPerSecond,9:N0} req/s  p50 {result.P50Ms,6:0.00} ms  p99 {result.P99Ms,6:0.00} ms  CPU/request: app {result.AppCpuUs,5:0.0} µs, redis {result.RedisCpuUs,5:0.0} µs"));
            }

            report.Rounds.Add(results);
        }

        foreach (var slot in slots)
        {
            await ExpectPagesAsync(slot, emails.Take(1).ToList(), cancellationToken);
        }

        foreach (var slot in peerSlots)
        {
            await ExpectPeerPagesAsync(slot, emails.Take(1).ToList(), cancellationToken);
        }

        foreach (var slot in apiSlots)
        {
            await ExpectApiAsync(slot, emails.Take(1).ToList(), cancellationToken);
        }

        report.Labels = slots.Concat(peerSlots).Concat(apiSlots).Append(dataSlot).ToDictionary(s => s.Key, s => s.Label);
        report.Wrk = $"wrk -t{wrk.Threads} -c{wrk.Connections} -d{profile.Duration.TotalSeconds:0}s --latency";

        Step($"Counting Redis commands over {profile.CountedRequests:N0} authenticated requests per mode and page");
        foreach (var target in targets.Where(t => t.Slot.Key != "server-large"))
        {
            report.Commands[target.Key] = await CommandCounter.CountAsync(
                _http, target.Slot.App, target.Path, target.Slot.Redis, File.ReadAllLines(target.Slot.CookieFile), profile.CountedRequests, cancellationToken, target.Slot.Header);
        }

        Step($"Counting round trips (MONITOR, script internals left out) over {profile.CountedRequests:N0} requests: /Dashboard without and with session data, the write page");
        await CountRoundTripsAsync(report, targets.Where(t => t.Key is DataWriteKey || t.Key == "server" + DashboardSuffix || t.Key == DataKey + DashboardSuffix), cancellationToken);

        Step(FormattableString.Invariant($"Signing in {SignInBurstSize} people at once while wrk loads /Dashboard"));
        report.SignInBurst = await MeasureSignInBurstAsync(slots.Single(s => s.Key == "server"), emails, wrk, cancellationToken);

        Step("Measuring Redis memory per session");
        report.SessionKeyMemory = await SessionKeyMemoryAsync(redisMain, servicesMain.Store, template, cancellationToken);
        report.DistributedKeyMemory = await DistributedKeyMemoryAsync(redisMain);

        Step($"Revoking all sessions of a user with 1 and {profile.RevokeMany:N0} sessions");
        (report.RevokeOne, report.RevokeMany) = await RevokeTimer.MeasureAsync(servicesMain.Store, template, profile.RevokeMany, profile.RevokeRepeats, cancellationToken);
        report.RevokeManyCount = profile.RevokeMany;

        Step($"GET {AppRoutes.Sessions} signed in as a user with {ListTimer.Few} and {profile.RevokeMany:N0} sessions");
        (report.ListFew, report.ListMany) = await ListTimer.MeasureAsync(() => NewBrowser(server), servicesMain, _password, profile.RevokeMany, profile.RevokeRepeats, cancellationToken);

        Step($"GET {AppRoutes.AdminUsers} with {profile.AdminUsers:N0} accounts, and the user page of one with {profile.RevokeMany:N0} sessions");
        report.Admin = await AdminTimer.MeasureAsync(() => NewBrowser(server), servicesMain, _password, profile.AdminUsers, profile.RevokeMany, profile.RevokeRepeats, cancellationToken);
        report.AdminUsers = profile.AdminUsers;

        Step("Timing the password check and sign-ins through the form");
        (report.PasswordCheck, report.HashDescription) = servicesMain.TimePasswordCheck(_password, profile.PasswordSamples);
        report.LoginsPerSecond = await MeasureLoginsAsync(server, emails, cancellationToken);
        report.LoginConcurrency = profile.LoginConcurrency;

        report.Elapsed = _clock.Elapsed;
        return report;
    }

    private async Task<AppProcess> StartAppAsync(string name, AuthMode mode, RedisProcess redis, CancellationToken cancellationToken, bool checkRevocation = false)
    {
        var settings = AppSettings(redis, name);
        settings["Tokens:CheckRevocation"] = checkRevocation ? "true" : "false";
        var app = AppProcess.Start(children, name, mode, _work, settings, out var ready);
        await ready(cancellationToken);
        return app;
    }

    private Browser NewBrowser(AppProcess app) => new(_http, app.BaseUrl, CookieName);

    /// <summary>
    /// What the old per-mode tests checked, now the bench's own: anonymous is sent to the login form;
    /// signed in, the probe and /Dashboard show the user; sign-out works. Also records what a cookie
    /// copied before sign-out does after it (revocation: refused by a server-side design only).
    /// </summary>
    private async Task<SignOutCheck> CheckModeAsync(AppProcess app, string email, CancellationToken cancellationToken)
    {
        var browser = NewBrowser(app);
        var anonymous = await browser.GetAsync(ProbePage.Path, cancellationToken);
        var expected = AppRoutes.Login + "?ReturnUrl=" + Uri.EscapeDataString(ProbePage.Path);
        if (anonymous.Status != HttpStatusCode.Redirect || anonymous.Location?.EndsWith(expected, StringComparison.Ordinal) != true)
        {
            throw new BenchException($"{app.Name}: anonymous {ProbePage.Path} answered {(int)anonymous.Status} {anonymous.Location}, not a redirect to {expected}.");
        }

        await browser.SignInAsync(email, _password, cancellationToken);
        var copied = browser.AuthCookieHeader;
        await ExpectPageAsync(app, ProbePage.Path, copied, email, cancellationToken);
        await ExpectPageAsync(app, AppRoutes.Dashboard, copied, email, cancellationToken);

        var signOut = await browser.SignOutAsync(AppRoutes.Dashboard, cancellationToken);
        if (signOut != HttpStatusCode.Redirect)
        {
            throw new BenchException($"{app.Name}: signing out answered {(int)signOut}, not a redirect.");
        }

        var after = await browser.GetAsync(ProbePage.Path, cancellationToken);
        if (after.Status != HttpStatusCode.Redirect)
        {
            throw new BenchException($"{app.Name}: {ProbePage.Path} after sign-out answered {(int)after.Status}, not a redirect to sign in.");
        }

        using var replay = new HttpRequestMessage(HttpMethod.Get, new Uri(app.BaseUrl + ProbePage.Path));
        replay.Headers.TryAddWithoutValidation("Cookie", copied);
        using var replayed = await _http.SendAsync(replay, cancellationToken);
        return new SignOutCheck(after.Status, replayed.StatusCode);
    }

    /// <summary>The probe and /Dashboard answer 200 with the signed-in user's email for each cookie of the slot.</summary>
    private async Task ExpectPagesAsync(Slot slot, List<string> emails, CancellationToken cancellationToken)
    {
        var cookies = File.ReadAllLines(slot.CookieFile);
        for (var i = 0; i < emails.Count; i++)
        {
            await ExpectPageAsync(slot.App, ProbePage.Path, cookies[i], emails[i], cancellationToken);
            await ExpectPageAsync(slot.App, AppRoutes.Dashboard, cookies[i], emails[i], cancellationToken);
        }
    }

    private async Task ExpectPageAsync(IServerProcess app, string path, string cookie, string email, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(app.BaseUrl + path));
        request.Headers.TryAddWithoutValidation("Cookie", cookie);
        using var response = await _http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK || !body.Contains(WebUtility.HtmlEncode(email), StringComparison.Ordinal))
        {
            throw new BenchException($"{app.Name}: {path} with {email}'s session answered {(int)response.StatusCode}, not 200 with the user's email.");
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

    private static async Task<int> LiveSessionsAsync(ISessionStore store, IEnumerable<string> userIds, CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var userId in userIds)
        {
            count += (await store.ListByUserAsync(userId, cancellationToken)).Count;
        }

        return count;
    }

    /// <summary>
    /// MEMORY USAGE of the key that holds one session's record, whatever the store names it: the keys
    /// one CreateAsync adds for a new user are the session (a string or hash) and its owner's index (a set).
    /// </summary>
    private static async Task<long> SessionKeyMemoryAsync(RedisProcess redis, ISessionStore store, SessionRecord template, CancellationToken cancellationToken)
    {
        var before = await KeysAsync(redis);
        var userId = Guid.NewGuid().ToString();
        await store.CreateAsync(SessionId.New(userId), template with { UserId = userId }, cancellationToken);
        var added = (await KeysAsync(redis)).Except(before).ToList();
        foreach (var key in added)
        {
            var type = await redis.Admin.GetDatabase().KeyTypeAsync(key);
            if (type is RedisType.String or RedisType.Hash)
            {
                return await redis.MemoryUsageAsync(key);
            }
        }

        throw new BenchException($"CreateAsync added no string or hash key (added: {string.Join(", ", added)}).");
    }

    private static async Task<HashSet<string>> KeysAsync(RedisProcess redis)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var key in redis.Server.KeysAsync(pattern: "*", pageSize: 1000))
        {
            keys.Add(key.ToString());
        }

        return keys;
    }

    /// <summary>The median over the signed-in users' ASP.NET sessions, so the one with 50 roles does not count.</summary>
    private static async Task<long> DistributedKeyMemoryAsync(RedisProcess redis)
    {
        var sizes = new List<double>();
        await foreach (var key in redis.Server.KeysAsync(pattern: DistributedSessionMode.KeyPrefix + "*"))
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
        HttpClient http, IServerProcess app, string path, RedisProcess redis, IReadOnlyList<string> cookies, int requests, CancellationToken cancellationToken,
        string header = "Cookie")
    {
        var before = await SettledCallsAsync(redis, cancellationToken);
        await SendAsync(http, app, path, cookies, requests, cancellationToken, header);
        var after = await SettledCallsAsync(redis, cancellationToken);
        var byCommand = after
            .Where(c => !IsUpkeep(c.Key))
            .Select(c => (c.Key, Calls: c.Value - before.GetValueOrDefault(c.Key)))
            .Where(c => c.Calls > 0)
            .OrderByDescending(c => c.Calls)
            .ToDictionary(c => c.Key, c => (double)c.Calls / requests);
        return new CommandCount(byCommand.Values.Sum(), byCommand);
    }

    /// <summary><paramref name="requests"/> GETs of <paramref name="path"/>, 8 at a time, each with the next credential; each must answer 200.</summary>
    public static async Task SendAsync(
        HttpClient http, IServerProcess app, string path, IReadOnlyList<string> cookies, int requests, CancellationToken cancellationToken, string header = "Cookie")
    {
        var next = -1;
        await Parallel.ForEachAsync(Enumerable.Range(0, 8), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (_, ct) =>
            {
                for (var i = Interlocked.Increment(ref next); i < requests; i = Interlocked.Increment(ref next))
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(app.BaseUrl + path));
                    request.Headers.TryAddWithoutValidation(header, cookies[i % cookies.Count]);
                    using var response = await http.SendAsync(request, ct);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        throw new BenchException($"{app.Name}: a counted request to {path} answered {(int)response.StatusCode}, not 200.");
                    }
                }
            });
    }

    /// <summary>
    /// The counts once Redis has been quiet for a moment: the Session middleware, for one, writes
    /// after the response has gone, which would otherwise land in the next mode's count.
    /// </summary>
    private static async Task<Dictionary<string, long>> SettledCallsAsync(RedisProcess redis, CancellationToken cancellationToken)
    {
        var calls = await redis.CommandCallsAsync();
        for (var i = 0; i < 20; i++)
        {
            await Task.Delay(100, cancellationToken);
            var again = await redis.CommandCallsAsync();
            if (RequestPath(again).SequenceEqual(RequestPath(calls)))
            {
                return again;
            }

            calls = again;
        }

        return calls;
    }

    private static IEnumerable<KeyValuePair<string, long>> RequestPath(Dictionary<string, long> calls) =>
        calls.Where(c => !IsUpkeep(c.Key)).OrderBy(c => c.Key, StringComparer.Ordinal);

    private static bool IsUpkeep(string command) =>
        NotRequestPath.Any(n => command == n || command.StartsWith(n + "|", StringComparison.Ordinal));
}

/// <summary>Live sessions written by the store's own CreateAsync, many in flight at once.</summary>
internal static class SessionFill
{
    public static async Task FillAsync(ISessionStore store, SessionRecord template, int count, CancellationToken cancellationToken)
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
        ISessionStore store, SessionRecord template, int many, int repeats, CancellationToken cancellationToken)
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

/// <summary>
/// The real sessions page, <c>GET /Account/Sessions</c>, for a signed-in user with a few sessions and
/// with many in the index: the listing (records, last active, ends at, and the user's API grants),
/// the activity read and the rendered rows, over HTTP on the server-session app. The user signs in
/// through the form; the other sessions are the store's own writes of that user's record.
/// </summary>
internal static partial class ListTimer
{
    public const int Few = 10;

    public static async Task<(double FewMs, double ManyMs)> MeasureAsync(
        Func<Browser> newBrowser, AppServices services, string password, int many, int repeats, CancellationToken cancellationToken)
    {
        var store = services.Store;
        var fewUser = await SignedInUserAsync("bench-list-few@bench.example", Few);
        var manyUser = await SignedInUserAsync("bench-list-many@bench.example", many);
        var few = new List<double>();
        var all = new List<double>();
        for (var i = 0; i < repeats + 1; i++)
        {
            var fewMs = await TimeAsync(fewUser.Browser, Few);
            var manyMs = await TimeAsync(manyUser.Browser, many);
            if (i > 0)
            {
                // The first pass warms the code paths (and the page's compiled view).
                few.Add(fewMs);
                all.Add(manyMs);
            }
        }

        await store.RemoveAllByUserAsync(fewUser.UserId, cancellationToken: cancellationToken);
        await store.RemoveAllByUserAsync(manyUser.UserId, cancellationToken: cancellationToken);
        return (Stats.Median(few), Stats.Median(all));

        async Task<(Browser Browser, string UserId)> SignedInUserAsync(string email, int sessions)
        {
            var browser = newBrowser();
            await browser.RegisterAsync(email, password, cancellationToken);
            await browser.SignInAsync(email, password, cancellationToken);
            var userId = await services.UserIdAsync(email);
            var listed = await store.ListByUserAsync(userId, cancellationToken);
            var own = listed.Count == 1 ? listed[0].Record : throw new BenchException($"The store lists {listed.Count} sessions of {email}, who signed in once.");
            await Task.WhenAll(Enumerable.Range(1, sessions - 1).Select(_ => store.CreateAsync(SessionId.New(own.UserId), own, cancellationToken)));
            return (browser, userId);
        }

        async Task<double> TimeAsync(Browser browser, int sessions)
        {
            var clock = Stopwatch.StartNew();
            var (status, _, body) = await browser.GetAsync(AppRoutes.Sessions, cancellationToken);
            var elapsed = clock.Elapsed.TotalMilliseconds;
            var rows = SessionRow().Count(body);
            return status == HttpStatusCode.OK && rows == sessions
                ? elapsed
                : throw new BenchException($"GET {AppRoutes.Sessions} answered {(int)status} with {rows} session rows, not 200 with {sessions}.");
        }
    }

    [GeneratedRegex("data-testid=\"session-row\"")]
    private static partial Regex SessionRow();
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
