using System.Net;
using Microsoft.AspNetCore.Http;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Sessions;

/// <summary>
/// What HttpContext.Session costs, counted by Redis itself (MONITOR; what a script runs inside itself is
/// no round trip): a signed-in page with data set is still one GETEX, a request that changes nothing
/// writes nothing, a change is one script more.
/// </summary>
public sealed class SessionDataRoundTripTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    [Fact]
    public async Task ASignedInPageWithDataSetCostsOneGetexAndWritesNothing()
    {
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("data-budget"));
        await client.SetThemeAsync("dark");
        await client.SetTimeZoneAsync("Europe/Paris");
        Assert.Equal(("dark", "Europe/Paris"), await client.DashboardPreferencesAsync()); // warm
        await using var monitor = await RedisMonitor.StartAsync(fixture.Redis);
        monitor.Clear();
        const int requests = 10;

        for (var i = 0; i < requests; i++)
        {
            Assert.Equal(("dark", "Europe/Paris"), await client.DashboardPreferencesAsync());
        }

        Assert.Equal(Enumerable.Repeat("GETEX", requests), await monitor.RoundTripsAsync());
        Assert.Empty(monitor.ScriptInternals());
    }

    [Fact]
    public async Task SavingAPreferenceCostsTheGetexAndOneScriptAndSavingTheSameValueAgainWritesNothing()
    {
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("data-write"));
        // The client library loads a script once per connection (SCRIPT LOAD): done here, not counted.
        await client.SetTimeZoneAsync("Europe/Paris");
        var token = await client.GetAntiforgeryTokenAsync(PreferenceForms.Path);
        await using var monitor = await RedisMonitor.StartAsync(fixture.Redis);
        monitor.Clear();

        var changed = await PostThemeAsync(client, token, "dark");
        var changedTrips = await monitor.RoundTripsAsync();
        var internals = monitor.ScriptInternals();
        monitor.Clear();
        var unchanged = await PostThemeAsync(client, token, "dark");
        var unchangedTrips = await monitor.RoundTripsAsync();

        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal(2, changedTrips.Count);
        Assert.Equal("GETEX", changedTrips[0]);
        Assert.StartsWith("EVAL", changedTrips[1], StringComparison.Ordinal); // EVAL once per connection, EVALSHA after
        Assert.Equal(["GET", "SET"], internals);
        Assert.Equal(HttpStatusCode.Redirect, unchanged.StatusCode);
        Assert.Equal(["GETEX"], unchangedTrips);
    }

    [Fact]
    public async Task AChangeMadeBeforeSigningOutInTheSameRequestIsNotWritten()
    {
        using var client = fixture.App.CreateAppClient();
        var cookie = await client.RegisterAndLoginAsync(Emails.Unique("data-sign-out"));
        var key = SessionKeys.For(cookie);
        await client.SetThemeAsync("dark");
        Assert.Contains("display.theme", (string?)await fixture.Redis.Db.StringGetAsync(key), StringComparison.Ordinal);
        await using var monitor = await RedisMonitor.StartAsync(fixture.Redis);
        monitor.Clear();

        Assert.Equal(HttpStatusCode.Redirect, (await client.LogoutAsync()).StatusCode);

        Assert.DoesNotContain(await monitor.RoundTripsAsync(), command => command.StartsWith("EVAL", StringComparison.Ordinal));
        Assert.False(await fixture.Redis.Db.KeyExistsAsync(key));
    }

    [Fact]
    public void AnAnonymousRequestsSessionSaysClearlyThatThereIsNone()
    {
        var session = SignedOutSession.Instance;

        Assert.False(session.IsAvailable);
        var error = Assert.Throws<InvalidOperationException>(() => session.SetString("theme", "dark"));
        Assert.Contains("signed-in session", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => session.GetString("theme"));
        Assert.Throws<InvalidOperationException>(() => session.Keys);
    }

    private static Task<HttpResponseMessage> PostThemeAsync(AppClient client, string token, string theme) =>
        client.Http.PostAsync($"{PreferenceForms.Path}?handler=Theme",
            new FormUrlEncodedContent([new("Input.Theme", theme), new("__RequestVerificationToken", token)]));
}
