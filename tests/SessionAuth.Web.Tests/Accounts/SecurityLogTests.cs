using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Accounts;

/// <summary>Security events are logged with event ids; secrets never are (ASVS 7.1.1, 7.2.1).</summary>
public sealed class SecurityLogTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    [Fact]
    public async Task SignInFailureLockoutLogoutAndPasswordChangeAreLoggedWithoutSecrets()
    {
        using var client = fixture.App.CreateAppClient();
        var email = Emails.Unique("audit");
        const string wrong = "WRONG-secret-guess-123";
        const string changed = "NEW-secret-passphrase-456";
        var cookie = await client.RegisterAndLoginAsync(email);
        var changeResponse = await AccountForms.ChangePasswordAsync(client, AppClient.Password, changed);
        var rotated = AppClient.SessionCookieValue(changeResponse)!;
        await client.LogoutAsync();
        for (var i = 0; i < 5; i++)
        {
            await client.LoginAsync(email, wrong);
        }

        var entries = fixture.App.Logs.Entries.ToList();

        var ids = entries.Select(e => e.EventId.Id).ToHashSet();
        Assert.Superset(new HashSet<int> { 1010, 1011, 1012, 1013, 1014, 2001, 2002, 2003 }, ids);
        var everything = string.Join('\n', entries.Select(e => e.Message + e.Exception));
        foreach (var secret in new[] { AppClient.Password, wrong, changed, cookie, cookie.Split('.')[0], rotated, rotated.Split('.')[0], email })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheEmailFingerprintIsKeyedPerDeploymentNotAPlainHash()
    {
        var email = Emails.Unique("fingerprint");
        var plainSha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email.ToUpperInvariant())));

        var first = await FingerprintsOfFailedSignInsAsync(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), email);
        var second = await FingerprintsOfFailedSignInsAsync(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), email);

        // Stable within a deployment (so log lines correlate), different across keys, and no prefix of SHA-256.
        Assert.Equal(2, first.Count);
        Assert.Equal(first[0], first[1]);
        Assert.NotEqual(first[0], second[0]);
        foreach (var fingerprint in first.Concat(second))
        {
            Assert.Matches("^[0-9a-f]{12}$", fingerprint);
            Assert.False(plainSha256.StartsWith(fingerprint[..8], StringComparison.Ordinal), "The fingerprint is a prefix of the plain SHA-256.");
        }
    }

    /// <summary>Two failed sign-ins for <paramref name="email"/> on an app with the given Sessions:CookieKey; the fingerprints it logged.</summary>
    private static async Task<List<string>> FingerprintsOfFailedSignInsAsync(string cookieKey, string email)
    {
        await using var app = new SessionAuthApplication(null, new Dictionary<string, string?> { ["Sessions:CookieKey"] = cookieKey });
        using var client = app.CreateAppClient();
        await client.LoginAsync(email, "not the password at all");
        await client.LoginAsync(email, "still not the password");
        return app.Logs.Entries.Where(e => e.EventId.Id == 1012)
            .Select(e => Regex.Match(e.Message, "^Sign-in failed for (\\S+) from").Groups[1].Value)
            .ToList();
    }
}
