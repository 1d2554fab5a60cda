using System.Globalization;
using System.Net;
using SessionAuth.Web.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SessionAuth.Web.Tests.Faults;

/// <summary>
/// Two app processes on one Redis and one accounts database behind a round-robin balancer (here:
/// the test, which like nginx's <c>proxy_next_upstream error</c> sends a request that gets no
/// answer to the other instance). One is killed (SIGKILL) under load: every person keeps being
/// served signed in by the other, and nobody has to sign in again.
/// </summary>
public sealed class InstanceKillUnderLoadTests(ITestOutputHelper output)
{
    private const int People = 4;

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["AccountEndpoints:PermitLimit"] = "100000",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    [Fact]
    public async Task KillingOneOfTwoInstancesUnderLoadLeavesEverySessionSignedInOnTheOther()
    {
        var setup = System.Diagnostics.Stopwatch.StartNew();
        await using var redis = await RedisServer.StartAsync();
        var database = TestHost.NewDatabasePath("instance-kill");
        try
        {
            await using var a = await AppProcess.StartAsync("instance-a", redis.ConnectionString, database, Settings);
            await using var b = await AppProcess.StartAsync("instance-b", redis.ConnectionString, database, Settings);
            output.WriteLine($"Two instances ready after {setup.ElapsedMilliseconds} ms.");
            AppProcess[] instances = [a, b];
            var people = new List<HttpClient[]>();
            for (var i = 0; i < People; i++)
            {
                // One browser: one cookie jar, whichever instance answers.
                var cookies = new CookieContainer();
                people.Add([Client(a, cookies), Client(b, cookies)]);
                var signIn = new AppClient(people[^1][i % 2]);
                var email = Emails.Unique("balanced");
                Assert.Equal(HttpStatusCode.Redirect, (await signIn.RegisterAsync(email)).StatusCode);
                Assert.Equal(HttpStatusCode.Redirect, (await signIn.LoginAsync(email)).StatusCode);
            }

            output.WriteLine($"{People} people signed in after {setup.ElapsedMilliseconds} ms.");
            var turn = 0;
            var retried = 0;
            await using var load = BoundedLoad.Start(People, async (person, token) =>
            {
                var first = Interlocked.Increment(ref turn) % 2;
                try
                {
                    return (await people[person][first].GetAsync("/Dashboard", token), instances[first].Name);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref retried);
                    return (await people[person][1 - first].GetAsync("/Dashboard", token), instances[1 - first].Name);
                }
            });
            foreach (var instance in instances)
            {
                Assert.True(await load.WaitForEveryWorkerAsync(s => s.SignedIn && s.Instance == instance.Name, TimeSpan.Zero, TimeSpan.FromSeconds(15)) is not null,
                    $"Not everyone was served signed in by {instance.Name}.");
            }

            var killAt = load.Now;
            await a.KillAsync();
            var killedAt = load.Now;
            await Task.Delay(TimeSpan.FromSeconds(2));
            var samples = await load.StopAsync();
            people.SelectMany(clients => clients).ToList().ForEach(client => client.Dispose());

            var after = samples.Where(s => s.Start >= killedAt).ToList();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"One of two instances killed (SIGKILL) under load ({People} signed-in people, one request each per 20 ms): " +
                $"{samples.Count(s => s.End <= killAt)} answers before the kill ({samples.Count(s => s.End <= killAt && s.Instance == a.Name)} by {a.Name}), " +
                $"{after.Count} after it, all by {string.Join(", ", after.Select(s => s.Instance).Distinct())}; " +
                $"{retried} requests got no answer from the killed instance and went to the other; " +
                $"statuses: {BoundedLoad.Describe(samples)}; signed-in: {samples.Count(s => s.SignedIn)} of {samples.Count}."));
            Assert.True(a.HasExited);
            Assert.All(samples, s => Assert.True(s.SignedIn, $"Person {s.Worker} got {(int)s.Status} from {s.Instance} at {s.Start.TotalMilliseconds:0} ms."));
            Assert.All(after, s => Assert.Equal(b.Name, s.Instance));
            Assert.All(Enumerable.Range(0, People), person => Assert.Contains(after, s => s.Worker == person));
        }
        finally
        {
            TestHost.DeleteDatabase(database);
        }
    }

    private static HttpClient Client(AppProcess instance, CookieContainer cookies) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = cookies, UseCookies = true })
        {
            BaseAddress = instance.Address,
            // Generous: a fresh process's first sign-in (JIT, PBKDF2) on a busy 2-core machine is slow.
            Timeout = TimeSpan.FromSeconds(60),
        };
}
