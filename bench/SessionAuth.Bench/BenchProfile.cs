namespace SessionAuth.Bench;

/// <summary>How much the bench does: the full run for the README, or the quick smoke check for CI.</summary>
internal sealed record BenchProfile(
    bool Quick,
    int Users,
    int Rounds,
    TimeSpan Duration,
    TimeSpan Warmup,
    int Threads,
    int Connections,
    int SmallLive,
    int LargeLive,
    int RevokeMany,
    int RevokeRepeats,
    int AdminUsers,
    int CountedRequests,
    int PasswordSamples,
    TimeSpan LoginDuration,
    int LoginConcurrency,
    TimeSpan Deadline)
{
    public static readonly BenchProfile Full = new(
        Quick: false,
        Users: 16,
        // Many short rounds rather than a few long ones: this shared 2-core VM's speed drifts by
        // 20 % from one minute to the next, and a ratio within one round cancels most of that.
        Rounds: 10,
        Duration: TimeSpan.FromSeconds(4),
        // Until tiered JIT and the thread pool have settled: a server-session instance is still
        // speeding up after 5 s of load.
        Warmup: TimeSpan.FromSeconds(10),
        Threads: 2,
        Connections: 32,
        SmallLive: 1_000,
        LargeLive: 1_000_000,
        RevokeMany: 1_000,
        RevokeRepeats: 5,
        AdminUsers: 10_000,
        CountedRequests: 1_000,
        PasswordSamples: 15,
        LoginDuration: TimeSpan.FromSeconds(5),
        LoginConcurrency: 4,
        Deadline: TimeSpan.FromMinutes(15));

    /// <summary>Everything once and briefly: proves the bench works; checks the command budget and the cookie, not speed.</summary>
    public static readonly BenchProfile Smoke = new(
        Quick: true,
        Users: 2,
        Rounds: 1,
        Duration: TimeSpan.FromSeconds(1),
        Warmup: TimeSpan.FromSeconds(1),
        Threads: 2,
        Connections: 32,
        SmallLive: 1_000,
        LargeLive: 10_000,
        RevokeMany: 1_000,
        RevokeRepeats: 1,
        // Enough for two pages of the console's list: the code path runs, the figure is not the published one.
        AdminUsers: 120,
        CountedRequests: 200,
        PasswordSamples: 3,
        LoginDuration: TimeSpan.FromSeconds(1),
        LoginConcurrency: 2,
        // A safety net against a hang, not a speed check: a run takes about 40 s on a quiet 2-core
        // machine, and well over a minute while other builds share it.
        Deadline: TimeSpan.FromMinutes(4));

    /// <summary>`--profile`: one app, one page, a few users; ten seconds each of counters and of trace.</summary>
    public static readonly BenchProfile Profiling = Full with
    {
        Users = 8,
        Rounds = 1,
        Duration = TimeSpan.FromSeconds(10),
        Deadline = TimeSpan.FromMinutes(5),
    };

    /// <summary>`--compare`: the server-session /Dashboard and the Node peers' only, in a few long rounds (3 of 8 s).</summary>
    public static readonly BenchProfile Compare = Full with
    {
        Rounds = 3,
        Duration = TimeSpan.FromSeconds(8),
        Deadline = TimeSpan.FromMinutes(10),
    };
}
