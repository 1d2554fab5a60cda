using System.Net;

namespace SessionAuth.Bench;

/// <summary>
/// The Node peers (bench/peers): express and Fastify with their session middleware over connect-redis,
/// against the same Redis as the app's modes, their /Dashboard in the same wrk rounds.
/// </summary>
internal sealed partial class BenchRun
{
    /// <summary>Starts the peers and signs in one session per email in each; none when they are off or cannot run here.</summary>
    private async Task<List<Slot>> StartPeersAsync(BenchReport report, RedisProcess redis, List<string> emails, CancellationToken cancellationToken)
    {
        if (peersDirectory is null)
        {
            return [];
        }

        Step("Preparing the Node peers (bench/peers): node, and npm ci when node_modules is missing or older than the lock file");
        var setup = await PeerSetup.PrepareAsync(peersDirectory, children, cancellationToken);
        if (setup.SkipReason is { } reason)
        {
            log.WriteLine($"Node peers skipped: {reason}");
            report.PeersSkipped = reason;
            return [];
        }

        report.NodeVersion = setup.NodeVersion;
        Step($"Starting the Node peers (node {setup.NodeVersion}, {PeerProcess.Workers} cluster workers each) on the same Redis");
        var peers = await Task.WhenAll(
            PeerProcess.StartAsync(children, "express", peersDirectory, redis, _work, cancellationToken),
            PeerProcess.StartAsync(children, "fastify", peersDirectory, redis, _work, cancellationToken));

        Step($"Signing in {emails.Count} sessions in each peer through its /login form");
        var slots = new List<Slot>();
        foreach (var peer in peers)
        {
            using (var anonymous = await GetAsync(peer, PeerProcess.DashboardPath, cookie: null, cancellationToken))
            {
                if (anonymous.StatusCode != HttpStatusCode.Redirect || anonymous.Headers.Location?.OriginalString != PeerProcess.LoginPath)
                {
                    throw new BenchException($"{peer.Name}: anonymous {PeerProcess.DashboardPath} answered {(int)anonymous.StatusCode} {anonymous.Headers.Location}, not a redirect to {PeerProcess.LoginPath}.");
                }
            }

            var cookies = new string[emails.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, emails.Count), Parallelism(4, cancellationToken), async (i, ct) =>
                cookies[i] = await PeerSignInAsync(peer, emails[i], ct));
            var file = Path.Combine(_work, $"cookies-{peer.Name}.txt");
            await File.WriteAllLinesAsync(file, cookies, cancellationToken);
            var slot = new Slot(peer.Name, PeerLabel(peer.Name), peer, redis, file);
            await ExpectPeerPagesAsync(slot, emails, cancellationToken);
            slots.Add(slot);
        }

        report.PeerKeys.AddRange(slots.Select(s => s.Key));
        return slots;
    }

    /// <summary>"Node peer: Fastify 5.12.8 + @fastify/session 11.1.3 + connect-redis 9.0.0 + @fastify/csrf-protection 7.1.0, 2 workers": the versions npm installed.</summary>
    private string PeerLabel(string name)
    {
        string[] packages = name == "express"
            ? ["express", "express-session", "connect-redis", "csrf"]
            : ["fastify", "@fastify/session", "connect-redis", "@fastify/csrf-protection"];
        var parts = packages.Select(p => $"{(p == "fastify" ? "Fastify" : p)} {PeerSetup.InstalledVersion(peersDirectory!, p)}");
        return $"Node peer: {string.Join(" + ", parts)}, {PeerProcess.Workers} workers";
    }

    /// <summary>The peers' sign-in: the email (and a password they do not check), as a form; the session cookie it sets.</summary>
    private async Task<string> PeerSignInAsync(PeerProcess peer, string email, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(peer.BaseUrl + PeerProcess.LoginPath))
        {
            Content = new FormUrlEncodedContent([new("email", email), new("password", _password)]),
        };
        // The same browser as the app's sign-ins: the page shows it, so the pages have the same bytes.
        request.Headers.TryAddWithoutValidation("User-Agent", Browser.UserAgent);
        using var response = await _http.SendAsync(request, cancellationToken);
        var cookie = response.Headers.TryGetValues("Set-Cookie", out var setCookies)
            ? setCookies.Select(c => c.Split(';', 2)[0]).FirstOrDefault(c => c.StartsWith(CookieName + "=", StringComparison.Ordinal))
            : null;
        return response.StatusCode == HttpStatusCode.Redirect && cookie is not null
            ? cookie
            : throw new BenchException($"{peer.Name}: signing in {email} answered {(int)response.StatusCode} without a {CookieName} cookie.");
    }

    /// <summary>The peer's /Dashboard answers 200 with the signed-in user's email for each cookie of the slot.</summary>
    private async Task ExpectPeerPagesAsync(Slot slot, List<string> emails, CancellationToken cancellationToken)
    {
        var cookies = File.ReadAllLines(slot.CookieFile);
        for (var i = 0; i < emails.Count; i++)
        {
            await ExpectPageAsync(slot.App, PeerProcess.DashboardPath, cookies[i], emails[i], cancellationToken);
        }
    }

    /// <summary>Bytes of the body of each target's page, for the first session: what each response carries.</summary>
    private async Task MeasurePageBytesAsync(BenchReport report, IEnumerable<Target> targets, CancellationToken cancellationToken)
    {
        foreach (var target in targets)
        {
            using var response = await GetAsync(target.Slot.App, target.Path, File.ReadLines(target.Slot.CookieFile).First(), cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            report.PageBytes[target.Key] = response.StatusCode == HttpStatusCode.OK
                ? body.Length
                : throw new BenchException($"{target.Slot.App.Name}: {target.Path} answered {(int)response.StatusCode}, not 200.");
        }
    }

    private async Task<HttpResponseMessage> GetAsync(IServerProcess server, string path, string? cookie, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseUrl + path));
        if (cookie is not null)
        {
            request.Headers.TryAddWithoutValidation("Cookie", cookie);
        }

        return await _http.SendAsync(request, cancellationToken);
    }
}
