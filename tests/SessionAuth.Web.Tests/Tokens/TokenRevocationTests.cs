using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using SessionAuth.Web.Tests.Infrastructure;
using SessionAuth.Web.Tokens;

namespace SessionAuth.Web.Tests.Tokens;

/// <summary>Ending a grant, over HTTP and from the device list's API; what an access token costs in Redis.</summary>
public sealed class TokenRevocationTests
{
    // Commands the test's own admin client and the client library's upkeep send, not the request path.
    private static readonly HashSet<string> NotRequestPath = new(StringComparer.OrdinalIgnoreCase)
    {
        "info", "config|resetstat", "config", "ping", "echo", "client|setname", "client|setinfo", "client", "cluster",
        "subscribe", "hello", "command", "select", "role", "cluster|nodes", "config|get", "sentinel",
    };

    [Fact]
    public async Task WithCheckRevocationARevokedGrantsAccessTokenStopsAtOnce()
    {
        await using var pair = await RedisAppPair.StartAsync(new Dictionary<string, string?> { ["Tokens:CheckRevocation"] = "true" });
        var (_, tokens) = await pair.App.RegisterAndGetTokensAsync("checked");
        var api = pair.App.CreateApiClient();
        Assert.Equal(HttpStatusCode.OK, (await api.GetMeAsync(tokens.AccessToken)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await api.RevokeAsync(tokens.RefreshToken)).StatusCode);
        var after = await api.GetMeAsync(tokens.AccessToken);

        await TokenClient.AssertProblemAsync(after, HttpStatusCode.Unauthorized);
        Assert.Contains("error=\"invalid_token\"", TokenClient.Challenge(after)?.Parameter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokingFromTheDeviceListStopsRefreshAndWithCheckRevocationTheAccessToken()
    {
        await using var pair = await RedisAppPair.StartAsync(new Dictionary<string, string?> { ["Tokens:CheckRevocation"] = "true" });
        var (_, tokens) = await pair.App.RegisterAndGetTokensAsync("devicelist");
        var userId = new JsonWebToken(tokens.AccessToken).Subject;
        var grants = pair.App.Services.GetRequiredService<IRefreshGrantStore>();
        var row = Assert.Single(await grants.ListByUserAsync(userId));

        Assert.True(await grants.RevokeByHandleAsync(userId, row.Handle));

        var api = pair.App.CreateApiClient();
        await TokenClient.AssertProblemAsync(await api.GetMeAsync(tokens.AccessToken), HttpStatusCode.Unauthorized);
        await TokenClient.AssertProblemAsync(await api.RefreshAsync(tokens.RefreshToken), HttpStatusCode.Unauthorized);
        Assert.Empty(await grants.ListByUserAsync(userId));
    }

    [Fact]
    public async Task RevokeAllEndsEveryApiClientOfTheUser()
    {
        await using var pair = await RedisAppPair.StartAsync();
        var (email, first) = await pair.App.RegisterAndGetTokensAsync("revokeall");
        var second = await TokenClient.ReadPairAsync(await pair.App.CreateApiClient().RequestTokenAsync(email));
        var userId = new JsonWebToken(first.AccessToken).Subject;
        var grants = pair.App.Services.GetRequiredService<IRefreshGrantStore>();

        Assert.Equal(2, await grants.RevokeAllByUserAsync(userId));

        var api = pair.App.CreateApiClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.RefreshAsync(first.RefreshToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.RefreshAsync(second.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task TheDeviceListShowsTheApiClientsUserAgentAndAddress()
    {
        await using var pair = await RedisAppPair.StartAsync();
        using var form = pair.App.CreateAppClient();
        var email = Emails.Unique("ua");
        await form.RegisterAsync(email);
        var api = pair.App.CreateApiClient();
        api.DefaultRequestHeaders.UserAgent.ParseAdd("my-script/1.0");

        var tokens = await TokenClient.ReadPairAsync(await api.RequestTokenAsync(email));
        var row = Assert.Single(await pair.App.Services.GetRequiredService<IRefreshGrantStore>()
            .ListByUserAsync(new JsonWebToken(tokens.AccessToken).Subject));

        Assert.Equal("my-script/1.0", row.UserAgent);
        Assert.Equal(row.CreatedAt, row.LastRefreshedAt);
        Assert.NotEqual(new JsonWebToken(tokens.AccessToken).GetClaim("sid").Value, row.Handle.Value);
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 1)]
    public async Task ApiMeCostsNoRedisCommandOrExactlyOneWithCheckRevocation(bool checkRevocation, int perRequest)
    {
        await using var pair = await RedisAppPair.StartAsync(new Dictionary<string, string?> { ["Tokens:CheckRevocation"] = checkRevocation ? "true" : "false" });
        var (_, tokens) = await pair.App.RegisterAndGetTokensAsync("budget");
        var api = pair.App.CreateApiClient();
        Assert.Equal(HttpStatusCode.OK, (await api.GetMeAsync(tokens.AccessToken)).StatusCode); // warm
        const int requests = 20;
        await pair.Redis.ResetStatsAsync();

        for (var i = 0; i < requests; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await api.GetMeAsync(tokens.AccessToken)).StatusCode);
        }

        var calls = (await pair.Redis.CommandCallsAsync()).Where(c => !NotRequestPath.Contains(c.Key)).ToDictionary();
        Assert.Equal(perRequest == 0 ? [] : new Dictionary<string, long> { ["exists"] = requests }, calls);
    }

    [Fact]
    public async Task AGrantUnusedForTheIdleLifetimeEnds()
    {
        await using var pair = await RedisAppPair.StartAsync(new Dictionary<string, string?> { ["Tokens:RefreshIdleLifetime"] = "00:00:02" });
        var (_, tokens) = await pair.App.RegisterAndGetTokensAsync("idle");

        await Task.Delay(TimeSpan.FromSeconds(3));
        var response = await pair.App.CreateApiClient().RefreshAsync(tokens.RefreshToken);

        await TokenClient.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AGrantRefreshedOftenStillEndsAtTheAbsoluteLifetime()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var pair = await RedisAppPair.StartAsync(
            new Dictionary<string, string?> { ["Tokens:RefreshAbsoluteLifetime"] = "2.00:00:00" },
            services => services.AddSingleton<TimeProvider>(clock));
        var (_, tokens) = await pair.App.RegisterAndGetTokensAsync("absolute");
        var api = pair.App.CreateApiClient();

        for (var hour = 0; hour < 47; hour++)
        {
            clock.Advance(TimeSpan.FromHours(1));
            tokens = await TokenClient.ReadPairAsync(await api.RefreshAsync(tokens.RefreshToken));
        }

        clock.Advance(TimeSpan.FromHours(1));
        var pastTheEnd = await api.RefreshAsync(tokens.RefreshToken);

        await TokenClient.AssertProblemAsync(pastTheEnd, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task WithoutRedisTheInProcessStoreKeepsTheSameFlow()
    {
        await using var app = new SessionAuthApplication(redisConnectionString: null);
        var (_, tokens) = await app.RegisterAndGetTokensAsync("inprocess");
        var api = app.CreateApiClient();

        var next = await TokenClient.ReadPairAsync(await api.RefreshAsync(tokens.RefreshToken));
        var reuse = await api.RefreshAsync(tokens.RefreshToken);

        Assert.Equal("in-process", app.Services.GetRequiredService<IRefreshGrantStore>().Name);
        Assert.Equal(HttpStatusCode.OK, (await api.GetMeAsync(next.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, reuse.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.RefreshAsync(next.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task WhenRedisIsAwayTheApiAnswers503ProblemWithRetryAfterNot500()
    {
        await using var pair = await RedisAppPair.StartAsync(new Dictionary<string, string?> { ["Redis:OperationTimeout"] = "00:00:01" });
        var (_, tokens) = await pair.App.RegisterAndGetTokensAsync("outage");
        var api = pair.App.CreateApiClient();
        Assert.Equal(HttpStatusCode.OK, (await api.GetMeAsync(tokens.AccessToken)).StatusCode);
        await pair.Redis.StopAsync();

        var response = await api.RefreshAsync(tokens.RefreshToken);

        await TokenClient.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(response.Headers.RetryAfter);

        // A valid access token is not honoured either while Redis is away (fail closed, no 200 from the
        // token alone): once the client has noticed, /api/me answers 503 too.
        var me = await api.GetMeAsync(tokens.AccessToken);
        await TokenClient.AssertProblemAsync(me, HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(me.Headers.RetryAfter);
    }
}

/// <summary>The hook the activity log hangs on: it hears a grant begin and a reused refresh token.</summary>
public sealed class TokenGrantObserverTests
{
    private sealed class RecordingObserver : ITokenGrantObserver
    {
        public List<string> Events { get; } = [];

        public Task GrantCreatedAsync(string userId, GrantHandle handle, string? clientIp, string? userAgent, CancellationToken cancellationToken)
        {
            lock (Events)
            {
                Events.Add($"created {userId} {handle.Value}");
            }

            return Task.CompletedTask;
        }

        public Task RefreshTokenReusedAsync(string userId, GrantHandle handle, string? clientIp, string? userAgent, CancellationToken cancellationToken)
        {
            lock (Events)
            {
                Events.Add($"reused {userId} {handle.Value}");
            }

            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task ObserversHearTheGrantBeginAndTheReuseThatEndedIt()
    {
        var observer = new RecordingObserver();
        await using var pair = await RedisAppPair.StartAsync(configureServices: services => services.AddSingleton<ITokenGrantObserver>(observer));
        var (_, tokens) = await pair.App.RegisterAndGetTokensAsync("observed");
        var api = pair.App.CreateApiClient();
        await TokenClient.ReadPairAsync(await api.RefreshAsync(tokens.RefreshToken));

        await api.RefreshAsync(tokens.RefreshToken);

        var userId = new JsonWebToken(tokens.AccessToken).Subject;
        var handle = Assert.Single(observer.Events, e => e.StartsWith("created", StringComparison.Ordinal)).Split(' ')[2];
        Assert.Equal([$"created {userId} {handle}", $"reused {userId} {handle}"], observer.Events);
    }
}
