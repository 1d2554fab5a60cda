using System.Net;
using Microsoft.Extensions.Logging;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Sessions;

/// <summary>The cookie-signing key: a change is never silent, and a configured key can be rotated without signing everyone out.</summary>
public sealed class CookieKeyRotationTests
{
    private const int CookieKeyChangedEventId = 2008;
    private static readonly string OldKey = Convert.ToBase64String(Enumerable.Repeat((byte)1, 32).ToArray());
    private static readonly string NewKey = Convert.ToBase64String(Enumerable.Repeat((byte)2, 32).ToArray());

    [Fact]
    public async Task AKeySwappedInTheAccountsDatabaseIsAdoptedWithAWarningThatGivesFingerprintsNeverTheKey()
    {
        await using var pair = await RedisAppPair.StartAsync();
        using var client = pair.App.CreateAppClient();
        var email = Emails.Unique("swap");
        await client.RegisterAndLoginAsync(email);
        var original = (await AccountsDb.CookieKeyAsync(pair.App))!;
        var planted = Enumerable.Repeat((byte)0x5A, 32).ToArray();

        await AccountsDb.ReplaceCookieKeyAsync(pair.App, planted);
        var login = await client.LoginAsync(email);

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var warning = Assert.Single(pair.App.Logs.Entries, e => e.EventId.Id == CookieKeyChangedEventId);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(SessionCookieProtector.Fingerprint(original), warning.Message, StringComparison.Ordinal);
        Assert.Contains(SessionCookieProtector.Fingerprint(planted), warning.Message, StringComparison.Ordinal);
        Assert.Contains("Sessions:CookieKey", warning.Message, StringComparison.Ordinal);
        Assert.All(pair.App.Logs.Entries, e =>
        {
            foreach (var key in new[] { original, planted })
            {
                Assert.DoesNotContain(Convert.ToBase64String(key), e.Message, StringComparison.Ordinal);
                Assert.DoesNotContain(Convert.ToHexString(key), e.Message, StringComparison.OrdinalIgnoreCase);
            }
        });
    }

    [Fact]
    public async Task TheSameKeyReadAgainLogsNoChange()
    {
        await using var pair = await RedisAppPair.StartAsync();
        using var client = pair.App.CreateAppClient();
        var email = Emails.Unique("same-key");

        await client.RegisterAndLoginAsync(email);
        await client.LoginAsync(email);

        Assert.DoesNotContain(pair.App.Logs.Entries, e => e.EventId.Id == CookieKeyChangedEventId);
    }

    [Fact]
    public async Task ACookieSignedBeforeARotationWorksWhileItsKeyIsAPreviousKeyAndNotAfter()
    {
        var email = Emails.Unique("rotate");
        // Three instances on one Redis, as during a rolling deploy: signed with the old key, the new key
        // with the old one still accepted, and the new key alone.
        await using var pair = await RedisAppPair.StartAsync(CookieKeys(OldKey));
        using var client = pair.App.CreateAppClient();
        var cookie = await client.RegisterAndLoginAsync(email);

        var duringGrace = pair.AddInstance(CookieKeys(NewKey, previousKey: OldKey));
        var afterGrace = pair.AddInstance(CookieKeys(NewKey));
        using var graceClient = duringGrace.CreateClientCarrying(cookie);
        using var laterClient = afterGrace.CreateClientCarrying(cookie);
        var duringGraceResponse = await graceClient.GetAsync("/Dashboard");
        var afterGraceResponse = await laterClient.GetAsync("/Dashboard");

        Assert.Equal(HttpStatusCode.OK, duringGraceResponse.StatusCode);
        Assert.Contains(email, await AppClient.BodyAsync(duringGraceResponse), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, afterGraceResponse.StatusCode);
    }

    private static Dictionary<string, string?> CookieKeys(string cookieKey, string? previousKey = null)
    {
        var settings = new Dictionary<string, string?> { ["Sessions:CookieKey"] = cookieKey };
        if (previousKey is not null)
        {
            settings["Sessions:PreviousCookieKeys:0"] = previousKey;
        }

        return settings;
    }
}
