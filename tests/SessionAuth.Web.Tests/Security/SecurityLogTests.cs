using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Security;

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
        var changeResponse = await ChangePasswordTests.ChangeAsync(client, AppClient.Password, changed);
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
}
