using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Hosting;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tests.Hosting;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Accounts;

/// <summary>
/// The accounts database on each provider (SQLite, PostgreSQL): migrations under concurrent starts,
/// the registration race, and the secrets that must outlive Redis (Data Protection keys, cookie key).
/// </summary>
public sealed partial class AccountsProviderTests
{
    private const string Postgres = nameof(AccountsProvider.Postgres);
    private const string Sqlite = nameof(AccountsProvider.Sqlite);

    [Theory]
    [InlineData(Sqlite)]
    [InlineData(Postgres)]
    public async Task ThreeInstancesStartingAtOnceOnAFreshDatabaseMigrateItOnceAndAllServe(string provider)
    {
        await using var pair = await RedisAppPair.StartAsync(accounts: Enum.Parse<AccountsProvider>(provider), startFirstInstance: false);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var starts = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            await gate.Task;
            return pair.AddInstance();
        })).ToList();

        gate.SetResult();
        var instances = await Task.WhenAll(starts);

        await using (var scope = instances[0].Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
            Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        }

        // Every instance logged either nothing (already migrated) or the one run that applied them all.
        var applied = instances.SelectMany(app => app.Logs.Entries).Count(e => e.EventId.Id == 1001);
        Assert.InRange(applied, 1, 3);
        var email = Emails.Unique("migrated");
        using var onFirst = instances[0].CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await onFirst.RegisterAsync(email)).StatusCode);
        foreach (var app in instances)
        {
            using var client = app.CreateAppClient();
            Assert.Equal(HttpStatusCode.Redirect, (await client.LoginAsync(email)).StatusCode);
        }
    }

    [Theory]
    [InlineData(Sqlite)]
    [InlineData(Postgres)]
    public async Task DataProtectionKeysAndTheCookieKeyLiveInTheAccountsDatabaseNotInRedis(string provider)
    {
        await using var pair = await RedisAppPair.StartAsync(accounts: Enum.Parse<AccountsProvider>(provider));
        using var client = pair.App.CreateAppClient();

        await client.RegisterAndLoginAsync(Emails.Unique("keys"));

        Assert.NotEmpty(await AccountsDb.DataProtectionKeyNamesAsync(pair.App));
        Assert.Equal(32, (await AccountsDb.CookieKeyAsync(pair.App))?.Length);
        var redisKeys = pair.Redis.Admin.GetServer(pair.Redis.ConnectionString).Keys(pattern: "*").Select(k => k.ToString()).ToList();
        Assert.DoesNotContain(redisKeys, k => k.Contains("data-protection", StringComparison.OrdinalIgnoreCase) || k.Contains("cookie-key", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData(Sqlite)]
    [InlineData(Postgres)]
    public async Task TheFirstCookieKeyOfferedIsTheOneEveryInstanceGets(string provider)
    {
        await using var pair = await RedisAppPair.StartAsync(accounts: Enum.Parse<AccountsProvider>(provider));
        var second = pair.AddInstance();
        var stores = new[] { pair.App, second }.Select(app => app.Services.GetRequiredService<ICookieKeyStore>()).ToList();
        var existing = await AccountsDb.CookieKeyAsync(pair.App);

        var offers = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Task.Run(() => stores[i % 2].GetOrAddCookieKeyAsync(Enumerable.Repeat((byte)i, 32).ToArray()))));

        var kept = Assert.Single(offers.Select(Convert.ToBase64String).Distinct());
        Assert.Equal(kept, Convert.ToBase64String((await AccountsDb.CookieKeyAsync(pair.App))!));
        if (existing is not null)
        {
            Assert.Equal(Convert.ToBase64String(existing), kept);
        }
    }

    [Fact]
    public async Task TwoKestrelInstancesOnPostgresShareTheSignInTheFormsAndTheSignOut()
    {
        await using var pair = await RedisAppPair.StartAsync(KestrelSettings, kestrel: true, accounts: AccountsProvider.Postgres);
        var (a, b) = (pair.App, pair.AddInstance());
        // One browser behind a load balancer: cookies are per host, not per port, so both instances get them.
        var cookies = new CookieContainer();
        using var onA = new AppClient(KestrelHost.Client(a, cookies));
        using var onB = new AppClient(KestrelHost.Client(b, cookies));
        var email = Emails.Unique("two-instances");
        Assert.Equal(HttpStatusCode.Redirect, (await onA.RegisterAsync(email)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await onA.LoginAsync(email)).StatusCode);

        var dashboardOnB = await onB.GetAsync("/Dashboard");
        Assert.Equal(HttpStatusCode.OK, dashboardOnB.StatusCode);
        Assert.Contains(email, await AppClient.BodyAsync(dashboardOnB), StringComparison.Ordinal);

        // A's change-password page, posted to B.
        var tokenFromA = await onA.GetAntiforgeryTokenAsync("/Account/ChangePassword");
        var change = await onB.Http.PostAsync("/Account/ChangePassword", new FormUrlEncodedContent(
        [
            new("Input.OldPassword", AppClient.Password), new("Input.NewPassword", NewPassword),
            new("Input.ConfirmPassword", NewPassword), new("__RequestVerificationToken", tokenFromA),
        ]));
        Assert.Equal(HttpStatusCode.Redirect, change.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await onA.GetAsync("/Dashboard")).StatusCode);

        var logout = await onB.LogoutAsync();

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        var afterOnA = await onA.GetAsync("/Dashboard");
        Assert.Equal(HttpStatusCode.Redirect, afterOnA.StatusCode);
        Assert.StartsWith("/Account/Login", afterOnA.Headers.Location!.OriginalString, StringComparison.Ordinal);
        using var fresh = new AppClient(KestrelHost.Client(a));
        Assert.Equal(HttpStatusCode.Redirect, (await fresh.LoginAsync(email, NewPassword)).StatusCode);
    }

    [Theory]
    [InlineData(Sqlite)]
    [InlineData(Postgres)]
    public async Task AfterRedisIsFlushedAThirdInstanceAcceptsAFormFromTheFirstAndSignsCookiesWithTheSameKey(string provider)
    {
        await using var pair = await RedisAppPair.StartAsync(accounts: Enum.Parse<AccountsProvider>(provider));
        var (first, second) = (pair.App, pair.AddInstance());
        var email = Emails.Unique("flush");
        using (var registrar = second.CreateAppClient())
        {
            await registrar.RegisterAndLoginAsync(email);
        }

        var keyBefore = await AccountsDb.CookieKeyAsync(first);
        // The login form as the first instance serves it: antiforgery cookie and token.
        using var onFirst = first.CreateAppClient(handleCookies: false);
        var form = await onFirst.GetAsync("/Account/Login");
        var antiforgeryCookie = AppClient.SetCookie(form, "__Host-antiforgery")!.Split(';')[0];
        var token = WebUtility.HtmlDecode(TokenField().Match(await AppClient.BodyAsync(form)).Groups[1].Value);

        await pair.Redis.Admin.GetServer(pair.Redis.ConnectionString).FlushAllDatabasesAsync();
        var third = pair.AddInstance();
        using var onThird = third.CreateAppClient(handleCookies: false);
        var post = new HttpRequestMessage(HttpMethod.Post, "/Account/Login")
        {
            Content = new FormUrlEncodedContent(
            [
                new("Input.Email", email), new("Input.Password", AppClient.Password),
                new("Input.RememberMe", "false"), new("__RequestVerificationToken", token),
            ]),
        };
        post.Headers.Add("Cookie", antiforgeryCookie);
        var login = await onThird.Http.SendAsync(post);

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode); // signed in: the first instance's form token is valid on the third
        Assert.Equal(Convert.ToBase64String(keyBefore!), Convert.ToBase64String((await AccountsDb.CookieKeyAsync(third))!));
        // The third instance's cookie is good on the first: they sign with the same key.
        using var thirdCookieOnFirst = first.CreateClientCarrying(AppClient.SessionCookieValue(login)!);
        Assert.Equal(HttpStatusCode.OK, (await thirdCookieOnFirst.GetAsync("/Dashboard")).StatusCode);
        Assert.DoesNotContain(first.Logs.Entries.Concat(third.Logs.Entries), e => e.EventId.Id == 2008); // no key change anywhere
    }

    private const string NewPassword = "another long passphrase here";

    private static readonly Dictionary<string, string?> KestrelSettings = new()
    {
        ["Sessions:SecureCookies"] = "false",
        ["Sessions:CookieName"] = "session",
    };

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
