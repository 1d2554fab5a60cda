using System.Globalization;
using System.Text;
using SessionAuth.Bench.Hosting;

namespace SessionAuth.Bench;

/// <summary>Bytes of the authentication cookie(s) a browser sends back, for a plain user and one with many roles.</summary>
internal sealed record CookieSize(int PlainBytes, int RolesBytes, int RolesCookieCount);

/// <summary>One benchmark target: the measured value, the target, and whether it is met (null: not checked).</summary>
internal sealed record Check(string Measurement, string Value, string Target, bool? Pass, bool Smoke = false);

/// <summary>What one run measured, and the Markdown that shows it.</summary>
internal sealed class BenchReport(BenchProfile profile)
{
    public BenchProfile Profile => profile;

    public string RedisVersion { get; set; } = "?";

    public Dictionary<string, CookieSize> Cookies { get; } = [];

    public Dictionary<string, string> Labels { get; set; } = [];

    public string Wrk { get; set; } = "";

    public List<Dictionary<string, WrkResult>> Rounds { get; } = [];

    public Dictionary<string, CommandCount> Commands { get; } = [];

    public Dictionary<string, SignOutCheck> SignOuts { get; } = [];

    /// <summary>Round trips per request as MONITOR sees them (script internals left out), for the HttpContext.Session targets.</summary>
    public Dictionary<string, CommandCount> RoundTrips { get; } = [];

    /// <summary>Bytes of the body of each /Dashboard target's page (key: the target's).</summary>
    public Dictionary<string, long> PageBytes { get; } = [];

    /// <summary>The Node peers that ran ("express", "fastify"); empty when they were off or skipped.</summary>
    public List<string> PeerKeys { get; } = [];

    /// <summary>Why the Node peers were skipped, with how to get them; null when they ran or were not asked for.</summary>
    public string? PeersSkipped { get; set; }

    public string? NodeVersion { get; set; }

    public int SmallLive { get; set; }

    public int LargeLive { get; set; }

    public int FilledSessions { get; set; }

    public TimeSpan FillTime { get; set; }

    public double MemoryPerFilledSession { get; set; }

    public long SessionKeyMemory { get; set; }

    public long DistributedKeyMemory { get; set; }

    public double RevokeOne { get; set; }

    public double RevokeMany { get; set; }

    public int RevokeManyCount { get; set; }

    public double ListFew { get; set; }

    public double ListMany { get; set; }

    /// <summary>GET /Admin/Users (page 1 and a search) with <see cref="AdminUsers"/> accounts; the user page with <see cref="RevokeManyCount"/> sessions.</summary>
    public AdminTimes? Admin { get; set; }

    public int AdminUsers { get; set; }

    public double PasswordCheck { get; set; }

    public string HashDescription { get; set; } = "";

    public double LoginsPerSecond { get; set; }

    public int LoginConcurrency { get; set; }

    public SignInBurstResult? SignInBurst { get; set; }

    public TimeSpan Elapsed { get; set; }

    public IReadOnlyList<Check> Checks()
    {
        var throughput = !profile.Quick;
        var server = Cookies["server"];
        var stateless = Cookies["stateless"];
        var distributed = Cookies["distributed"];
        var serverCommands = Commands["server"];
        var distributedCommands = Commands["distributed"];
        var serverOverStateless = Ratios("server", "stateless", r => r.RequestsPerSecond);
        var serverOverDistributed = Ratios("server", "distributed", r => r.RequestsPerSecond);
        var p99 = Ratios("server", "stateless", r => r.P99Ms);
        var largeOverSmall = Ratios("server-large", "server", r => r.RequestsPerSecond);
        var dashboardOverProbe = Ratios(Dashboard("server"), "server", r => r.RequestsPerSecond);
        var dashboardOverStateless = Ratios(Dashboard("server"), Dashboard("stateless"), r => r.RequestsPerSecond);
        var serverDashboardCommands = Commands[Dashboard("server")];
        return
        [
            new("Throughput, server session ÷ stateless cookie", RatioText(serverOverStateless), "≥ 0.85",
                throughput ? Stats.Median(serverOverStateless) >= 0.85 : null),
            new("Throughput, server session ÷ distributed session", RatioText(serverOverDistributed), "≥ 1.5",
                throughput ? Stats.Median(serverOverDistributed) >= 1.5 : null),
            new("p99 latency, server session ÷ stateless cookie", RatioText(p99), "≤ 1.3",
                throughput ? Stats.Median(p99) <= 1.3 : null),
            new(Invariant($"Throughput, {LargeLive:N0} ÷ {SmallLive:N0} live sessions (server session)"), RatioText(largeOverSmall), "≥ 0.9",
                throughput ? Stats.Median(largeOverSmall) >= 0.9 : null),
            new("Throughput, /Dashboard ÷ probe (server session)", RatioText(dashboardOverProbe), "≥ 0.6",
                throughput ? Stats.Median(dashboardOverProbe) >= 0.6 : null),
            new("Throughput, /Dashboard: server session ÷ stateless cookie", RatioText(dashboardOverStateless), "≥ 0.95",
                throughput ? Stats.Median(dashboardOverStateless) >= 0.95 : null),
            new("Redis commands per authenticated request, server session", CommandText(serverCommands), "= 1.00",
                Math.Round(serverCommands.PerRequest, 2) == 1.00, Smoke: true),
            new("Redis commands per authenticated request on /Dashboard, server session", CommandText(serverDashboardCommands), "= 1.00",
                Math.Round(serverDashboardCommands.PerRequest, 2) == 1.00, Smoke: true),
            new("Round trips to Redis per request on /Dashboard with HttpContext.Session data set (MONITOR, script internals not counted)",
                CommandText(RoundTrips[Dashboard(BenchRun.DataKey)]), "= 1.00", Math.Round(RoundTrips[Dashboard(BenchRun.DataKey)].PerRequest, 2) == 1.00, Smoke: true),
            new("Round trips to Redis per request on a page that changes one HttpContext.Session key (MONITOR, script internals not counted)",
                CommandText(RoundTrips[BenchRun.DataWriteKey]), "= 2.00", Math.Round(RoundTrips[BenchRun.DataWriteKey].PerRequest, 2) == 2.00, Smoke: true),
            new("CPU per request of the app, /Dashboard with ÷ without HttpContext.Session data (server session)",
                RatioText(Ratios(Dashboard(BenchRun.DataKey), Dashboard("server"), r => r.AppCpuUs)), "—", null),
            new("Redis commands per request, GET /api/me with a bearer token, stateless validation", CommandText(Commands[BenchRun.ApiKey]), "= 0.00",
                Math.Round(Commands[BenchRun.ApiKey].PerRequest, 2) == 0.00, Smoke: true),
            new("Redis commands per request, GET /api/me with a bearer token, Tokens:CheckRevocation=true", CommandText(Commands[BenchRun.ApiRevocationKey]), "= 1.00",
                Math.Round(Commands[BenchRun.ApiRevocationKey].PerRequest, 2) == 1.00, Smoke: true),
            new("Redis commands per authenticated request, distributed session", CommandText(distributedCommands), "≥ 2 (expected)",
                distributedCommands.PerRequest >= 2),
            new("Redis commands per authenticated request, stateless cookie", CommandText(Commands["stateless"]), "—", null),
            new("Redis commands per authenticated request on /Dashboard: distributed session / stateless cookie",
                $"{CommandText(Commands[Dashboard("distributed")])} / {CommandText(Commands[Dashboard("stateless")])}", "—", null),
            .. PeerKeys.Contains(Fastify)
                ? new Check[]
                {
                    new("Throughput, /Dashboard: SessionAuth (server session) ÷ Fastify (Node peer); the goal beyond the targets is above 1",
                        RatioText(Ratios(Dashboard("server"), Dashboard(Fastify), r => r.RequestsPerSecond)), "—", null),
                }
                : [],
            new("A cookie copied before sign-out, presented after it: server session", SignOutText(SignOuts["server"]), "refused (302)",
                SignOuts["server"].CopiedCookie == System.Net.HttpStatusCode.Redirect, Smoke: true),
            new("A cookie copied before sign-out, presented after it: stateless cookie / distributed session",
                $"{SignOutText(SignOuts["stateless"])} / {SignOutText(SignOuts["distributed"])}", "—", null),
            new($"Cookie, server session: plain user / {RoleCountText} roles", Invariant($"{server.PlainBytes} B / {server.RolesBytes} B"),
                "≤ 128 B, unchanged", server.PlainBytes <= 128 && server.RolesBytes == server.PlainBytes, Smoke: true),
            new($"Cookie, stateless cookie: plain user / {RoleCountText} roles",
                Invariant($"{stateless.PlainBytes:N0} B / {stateless.RolesBytes:N0} B in {stateless.RolesCookieCount} cookies"),
                "grows past 4 KB (shown)", stateless.RolesBytes > 4096),
            new($"Cookie, distributed session: plain user / {RoleCountText} roles",
                Invariant($"{distributed.PlainBytes} B / {distributed.RolesBytes} B"), "—", null),
            new("Redis memory per session, server session (MEMORY USAGE of a session key)", Invariant($"{SessionKeyMemory:N0} B"), "≤ 1 KB",
                SessionKeyMemory is > 0 and <= 1024),
            new(Invariant($"Redis memory per session with its index entry (used_memory growth ÷ {FilledSessions:N0} filled sessions)"),
                Invariant($"{MemoryPerFilledSession:N0} B"), "—", null),
            new("Redis memory per session, distributed session (MEMORY USAGE of its hash)", Invariant($"{DistributedKeyMemory:N0} B"), "—", null),
            new(Invariant($"Revoke all of a user's sessions (RemoveAllByUserAsync): 1 / {RevokeManyCount:N0} sessions, median of {profile.RevokeRepeats}"),
                Invariant($"{RevokeOne:0.00} ms / {RevokeMany:0.00} ms"), "—", null),
            new(Invariant($"Sessions page, GET /Account/Sessions signed in (listing, last active, ends at, activity, rendered rows): {ListTimer.Few} / {RevokeManyCount:N0} sessions of the user, median of {profile.RevokeRepeats}"),
                Invariant($"{ListFew:0.00} ms / {ListMany:0.00} ms"), "—", null),
            .. Admin is { } admin
                ? new Check[]
                {
                    new(Invariant($"Operators' list, GET /Admin/Users with {AdminUsers:N0} accounts (one query, one Redis pipeline): first page of 50 / a search ?q=, median of {profile.RevokeRepeats}"),
                        Invariant($"{admin.ListMs:0.00} ms / {admin.SearchMs:0.00} ms"), "—", null),
                    new(Invariant($"Operators' user page, GET /Admin/User/<id> of a user with {RevokeManyCount:N0} sessions (device list and activity), median of {profile.RevokeRepeats}"),
                        Invariant($"{admin.UserPageMs:0.00} ms"), "—", null),
                }
                : [],
            new(Invariant($"One password check, {HashDescription}, median of {profile.PasswordSamples}"), Invariant($"{PasswordCheck:0.0} ms"), "—", null),
            new(Invariant($"Sign-ins per second through the form (GET + POST, {LoginConcurrency} at a time, server session)"),
                Invariant($"{LoginsPerSecond:0.0} /s"), "—", null),
            .. SignInBurst is { } burst
                ? new Check[]
                {
                    new(Invariant($"Sign-in burst beside page load: {burst.Attempted} parallel sign-ins while wrk loads /Dashboard (server session): signed in / page p99 / page errors"),
                        Invariant($"{burst.Succeeded} of {burst.Attempted} in {burst.Took.TotalSeconds:0.0} s / {burst.PageP99Ms:0.0} ms / {burst.PageErrors} of {burst.PageRequests:N0}"),
                        "all signed in, 0 errors", burst.Succeeded == burst.Attempted && burst.PageErrors == 0),
                }
                : [],
            new(Invariant($"Filling {FilledSessions:N0} sessions into Redis (the store's CreateAsync, pipelined)"),
                Invariant($"{FillTime.TotalSeconds:0.0} s"), "—", null),
        ];
    }

    public string ToMarkdown(string command, string machine)
    {
        var text = new StringBuilder();
        var rounds = Rounds.Count;
        text.AppendLine(Invariant($"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC with `{command}` in {Elapsed.TotalSeconds:0} s (after the build)."));
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine}. Redis {RedisVersion}, .NET {Environment.Version}, app in Release{(NodeVersion is null ? "" : $", Node {NodeVersion} for the peers")}.");
        text.AppendLine();
        text.AppendLine(Invariant(
            $"Load: `{Wrk}` on the probe `GET /bench/me` (a protected page without layout that shows the user's name; the bench adds it to its copies of the app) and on `GET /Dashboard` (the real page a person sees after signing in), each request with the next of {profile.Users} sessions signed in through the login form; {rounds} round(s), every mode and page interleaved in each; medians of the rounds. Ratios are taken within each round, then their median. Each mode is the real app (its Program, in Production, over plain http) with the authentication handler behind its scheme swapped; one process per mode."));
        if (PeerKeys.Count > 0)
        {
            text.AppendLine();
            text.AppendLine(Invariant(
                $"Node peers (`bench/peers`, see bench/README.md): the same `/Dashboard` (markup, facts, a sign-out form whose CSRF token is made per response from a secret in the session) behind express and Fastify with their session middleware, connect-redis and CSRF package (`csrf`, `@fastify/csrf-protection`) on the same Redis, {profile.Users} sessions each signed in through their own `/login` (any email, no password check: not what is measured), in the same rounds. Their CPU column counts the cluster's primary and its workers."));
        }
        else if (PeersSkipped is not null)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Node peers skipped: {PeersSkipped}");
        }

        if (profile.Quick)
        {
            text.AppendLine();
            text.AppendLine("**Quick mode**: one short round and a small fill; it checks that the benchmark works (command counts, cookie, sign-out), not speed.");
        }

        text.AppendLine();
        text.AppendLine("| Probe `/bench/me` (same page, same login form) | Live sessions in Redis | req/s | p50 ms | p99 ms | CPU µs per request: app | redis-server |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (key, live) in new[] { ("stateless", "—"), ("server", Invariant($"{SmallLive:N0}")), ("server-large", Invariant($"{LargeLive:N0}")), ("distributed", "—") })
        {
            text.AppendLine(Invariant(
                $"| {Labels[key]} | {live} | {Median(key, r => r.RequestsPerSecond):N0} | {Median(key, r => r.P50Ms):0.00} | {Median(key, r => r.P99Ms):0.00} | {Median(key, r => r.AppCpuUs):0} | {Median(key, r => r.RedisCpuUs):0.0} |"));
        }

        foreach (var (a, b, label) in new[]
        {
            ("server", "stateless", "Ratio: server session ÷ stateless cookie"),
            ("server", "distributed", "Ratio: server session ÷ distributed session"),
            ("server-large", "server", Invariant($"Ratio: server session, {LargeLive:N0} ÷ {SmallLive:N0} live sessions")),
        })
        {
            text.AppendLine(Invariant(
                $"| {label} | | {Stats.Median(Ratios(a, b, r => r.RequestsPerSecond)):0.00} | {Stats.Median(Ratios(a, b, r => r.P50Ms)):0.00} | {Stats.Median(Ratios(a, b, r => r.P99Ms)):0.00} | | |"));
        }

        text.AppendLine();
        text.AppendLine("| `/Dashboard` (same page, same login form) | Live sessions in Redis | req/s | p50 ms | p99 ms | CPU µs per request: app | redis-server | Redis commands / request | Page bytes |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (key, live) in new[] { ("stateless", "—"), ("server", Invariant($"{SmallLive:N0}")), ("distributed", "—") }
            .Concat(PeerKeys.Select(k => (k, "—"))))
        {
            var page = Dashboard(key);
            text.AppendLine(Invariant(
                $"| {Labels[key]} | {live} | {Median(page, r => r.RequestsPerSecond):N0} | {Median(page, r => r.P50Ms):0.00} | {Median(page, r => r.P99Ms):0.00} | {Median(page, r => r.AppCpuUs):0} | {Median(page, r => r.RedisCpuUs):0.0} | {Commands[page].PerRequest:0.00} | {PageBytes.GetValueOrDefault(page):N0} |"));
        }

        foreach (var (a, b, label) in new[]
        {
            (Dashboard("server"), Dashboard("stateless"), "Ratio: server session ÷ stateless cookie"),
            (Dashboard("server"), Dashboard("distributed"), "Ratio: server session ÷ distributed session"),
            (Dashboard("server"), "server", "Ratio: server session, /Dashboard ÷ probe"),
            (Dashboard("stateless"), "stateless", "Ratio: stateless cookie, /Dashboard ÷ probe"),
        }.Concat(PeerKeys.Contains(Fastify) ? [(Dashboard("server"), Dashboard(Fastify), "Ratio: SessionAuth /Dashboard ÷ Fastify /Dashboard")] : []))
        {
            text.AppendLine(Invariant(
                $"| {label} | | {Stats.Median(Ratios(a, b, r => r.RequestsPerSecond)):0.00} | {Stats.Median(Ratios(a, b, r => r.P50Ms)):0.00} | {Stats.Median(Ratios(a, b, r => r.P99Ms)):0.00} | | | | |"));
        }

        text.AppendLine();
        text.AppendLine(Invariant(
            $"HttpContext.Session on the server session: `/Dashboard` (which reads the theme and the time zone from it) for sessions without data and for sessions holding a theme and a time zone saved through `/Account/Preferences`, and `GET {ProbePage.WritePath}` (the bench's page that changes one key per request, on those sessions), in the same rounds. Round trips are counted with MONITOR (what the merge script runs inside itself is not a round trip); Redis commands with INFO commandstats, which counts the script's GET and SET too."));
        text.AppendLine();
        text.AppendLine("| HttpContext.Session | req/s | p50 ms | p99 ms | CPU µs per request: app | redis-server | Round trips / request | Redis commands / request |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (key, label) in new[]
        {
            (Dashboard("server"), "`/Dashboard`, no session data"),
            (Dashboard(BenchRun.DataKey), "`/Dashboard`, a theme and a time zone in the session"),
            (BenchRun.DataWriteKey, "A page that changes one key per request"),
        })
        {
            text.AppendLine(Invariant(
                $"| {label} | {Median(key, r => r.RequestsPerSecond):N0} | {Median(key, r => r.P50Ms):0.00} | {Median(key, r => r.P99Ms):0.00} | {Median(key, r => r.AppCpuUs):0} | {Median(key, r => r.RedisCpuUs):0.0} | {CommandText(RoundTrips[key])} | {CommandText(Commands[key])} |"));
        }

        text.AppendLine();
        text.AppendLine(Invariant(
            $"Token API: `GET {BenchRun.ApiMePath}` with `Authorization: Bearer`, each request with the next of {profile.Users} access tokens from `POST {BenchRun.TokenPath}`, in the same rounds. Stateless validation is the server-session app above (the default); the grant lookup is one more copy of it with `Tokens:CheckRevocation=true`."));
        text.AppendLine();
        text.AppendLine("| `GET /api/me` (bearer token) | req/s | p50 ms | p99 ms | CPU µs per request: app | redis-server | Redis commands / request |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var key in new[] { BenchRun.ApiKey, BenchRun.ApiRevocationKey })
        {
            text.AppendLine(Invariant(
                $"| {Labels[key]} | {Median(key, r => r.RequestsPerSecond):N0} | {Median(key, r => r.P50Ms):0.00} | {Median(key, r => r.P99Ms):0.00} | {Median(key, r => r.AppCpuUs):0} | {Median(key, r => r.RedisCpuUs):0.0} | {CommandText(Commands[key])} |"));
        }

        foreach (var (a, b, label) in new[]
        {
            (BenchRun.ApiRevocationKey, BenchRun.ApiKey, "Ratio: CheckRevocation ÷ stateless validation"),
            (BenchRun.ApiKey, "server", "Ratio: /api/me stateless ÷ the probe with a server session (cookie)"),
        })
        {
            text.AppendLine(Invariant(
                $"| {label} | {Stats.Median(Ratios(a, b, r => r.RequestsPerSecond)):0.00} | {Stats.Median(Ratios(a, b, r => r.P50Ms)):0.00} | {Stats.Median(Ratios(a, b, r => r.P99Ms)):0.00} | | | |"));
        }

        text.AppendLine();
        text.AppendLine("| Target or measurement | Value | Target | Result |");
        text.AppendLine("| --- | --- | --- | --- |");
        foreach (var check in Checks())
        {
            var result = check.Pass switch
            {
                true => "PASS",
                false => "MISS",
                null when check.Target != "—" => "not checked in quick mode",
                null => "",
            };
            text.AppendLine(CultureInfo.InvariantCulture, $"| {check.Measurement} | {check.Value} | {check.Target} | {result} |");
        }

        return text.ToString();
    }

    private const string Fastify = "fastify";

    private static string Dashboard(string mode) => mode + BenchRun.DashboardSuffix;

    private static string SignOutText(SignOutCheck check) => check.CopiedCookie switch
    {
        System.Net.HttpStatusCode.OK => "still signed in (200)",
        System.Net.HttpStatusCode.Redirect => "refused (302)",
        var status => Invariant($"{(int)status}"),
    };

    private static string RoleCountText => BenchRun.RoleCount.ToString(CultureInfo.InvariantCulture);

    private double Median(string key, Func<WrkResult, double> value) => Stats.Median(Rounds.Select(r => value(r[key])));

    private List<double> Ratios(string a, string b, Func<WrkResult, double> value) =>
        Rounds.Select(r => value(r[a]) / value(r[b])).ToList();

    private static string RatioText(List<double> ratios) =>
        Invariant($"{Stats.Median(ratios):0.00}") + (ratios.Count > 1 ? $" (rounds: {string.Join(", ", ratios.Select(r => Invariant($"{r:0.00}")))})" : "");

    private static string CommandText(CommandCount count) =>
        Invariant($"{count.PerRequest:0.00}")
        + (count.ByCommand.Count > 0 ? $" ({string.Join(", ", count.ByCommand.Select(c => Invariant($"{c.Key.ToUpperInvariant()} {c.Value:0.00}")))})" : "");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
