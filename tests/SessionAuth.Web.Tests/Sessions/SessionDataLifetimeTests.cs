using System.Net;
using Microsoft.Data.Sqlite;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Sessions;

/// <summary>
/// HttpContext.Session data lives exactly as long as its sign-in session: every way a session ends takes
/// its data along, on every instance, and a new sign-in starts with none.
/// </summary>
public sealed class SessionDataLifetimeTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    /// <summary>What only a device's own data holds: the key the preferences page writes.</summary>
    private const string DataKey = "display.theme";

    [Fact]
    public async Task SignOutRemovesTheDataAndANewSignInStartsFresh()
    {
        var email = Emails.Unique("data-sign-out");
        using var client = fixture.App.CreateAppClient();
        var cookie = await client.RegisterAndLoginAsync(email);
        await client.SetThemeAsync("dark");
        await client.SetTimeZoneAsync("Asia/Tokyo");

        Assert.Equal(HttpStatusCode.Redirect, (await client.LogoutAsync()).StatusCode);

        Assert.False(await fixture.Redis.Db.KeyExistsAsync(SessionKeys.For(cookie)));
        Assert.Equal(HttpStatusCode.Redirect, (await client.LoginAsync(email)).StatusCode);
        Assert.Equal(("light", "UTC"), await client.DashboardPreferencesAsync());
    }

    [Fact]
    public async Task RevokeOthersRemovesTheOtherDevicesDataAndKeepsThisOnes()
    {
        var email = Emails.Unique("data-revoke-others");
        using var laptop = fixture.App.CreateAppClient();
        using var phone = fixture.App.CreateAppClient();
        var laptopCookie = await laptop.RegisterAndLoginAsync(email);
        var phoneCookie = AppClient.SessionCookieValue(await phone.LoginAsync(email))!;
        await laptop.SetThemeAsync("dark");
        await phone.SetTimeZoneAsync("Europe/Paris");

        var revoke = await phone.SubmitAsync("/Account/Sessions", [], postPath: "/Account/Sessions?handler=RevokeOthers");

        Assert.Equal(HttpStatusCode.Redirect, revoke.StatusCode);
        Assert.False(await fixture.Redis.Db.KeyExistsAsync(SessionKeys.For(laptopCookie)));
        Assert.DoesNotContain(DataKey, (string?)await fixture.Redis.Db.StringGetAsync(SessionKeys.For(phoneCookie)), StringComparison.Ordinal);
        Assert.Equal(("light", "Europe/Paris"), await phone.DashboardPreferencesAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await laptop.GetAsync("/Dashboard")).StatusCode);
    }

    [Fact]
    public async Task RevokingOneSessionRemovesItsDataOnEveryInstance()
    {
        await using var pair = await RedisAppPair.StartAsync();
        var (first, second) = (pair.App, pair.AddInstance());
        var email = Emails.Unique("data-revoke");
        using var laptop = first.CreateAppClient();
        using var phone = second.CreateAppClient();
        var laptopCookie = await laptop.RegisterAndLoginAsync(email);
        await phone.LoginAsync(email);
        await laptop.SetThemeAsync("dark");
        Assert.True(SessionId.TryParse(laptopCookie.Split('.')[0], out var laptopId));

        var revoke = await phone.SubmitAsync("/Account/Sessions", [new("Handle", laptopId.Handle.Value)], postPath: "/Account/Sessions?handler=Revoke");

        Assert.Equal(HttpStatusCode.Redirect, revoke.StatusCode);
        Assert.False(await PreferenceForms.AnyKeyHoldsAsync(pair.Redis, DataKey));
        Assert.Equal(HttpStatusCode.Redirect, (await laptop.GetAsync("/Dashboard")).StatusCode);
        using var laptopOnSecond = second.CreateClientCarrying(laptopCookie);
        Assert.Equal(HttpStatusCode.Redirect, (await laptopOnSecond.GetAsync("/Dashboard")).StatusCode);
    }

    [Fact]
    public async Task ASessionEndedByTheSessionLimitTakesItsDataAlong()
    {
        await using var pair = await RedisAppPair.StartAsync(new Dictionary<string, string?> { ["Sessions:MaxPerUser"] = "1" });
        var email = Emails.Unique("data-limit");
        using var laptop = pair.App.CreateAppClient();
        using var phone = pair.App.CreateAppClient();
        var laptopCookie = await laptop.RegisterAndLoginAsync(email);
        await laptop.SetThemeAsync("dark");

        Assert.Equal(HttpStatusCode.Redirect, (await phone.LoginAsync(email)).StatusCode);

        Assert.False(await pair.Redis.Db.KeyExistsAsync(SessionKeys.For(laptopCookie)));
        Assert.False(await PreferenceForms.AnyKeyHoldsAsync(pair.Redis, DataKey));
        Assert.Equal(("light", "UTC"), await phone.DashboardPreferencesAsync());
    }

    [Fact]
    public async Task APasswordChangeEndsTheOtherDevicesDataAndThisDevicesNewSessionStartsFresh()
    {
        var email = Emails.Unique("data-password");
        using var laptop = fixture.App.CreateAppClient();
        using var phone = fixture.App.CreateAppClient();
        var laptopCookie = await laptop.RegisterAndLoginAsync(email);
        var phoneCookie = AppClient.SessionCookieValue(await phone.LoginAsync(email))!;
        await laptop.SetThemeAsync("dark");
        await phone.SetThemeAsync("dark");

        var changed = await phone.SubmitAsync("/Account/ChangePassword",
        [
            new("Input.OldPassword", AppClient.Password),
            new("Input.NewPassword", "a brand new passphrase 42"),
            new("Input.ConfirmPassword", "a brand new passphrase 42"),
        ]);

        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.False(await fixture.Redis.Db.KeyExistsAsync(SessionKeys.For(laptopCookie)));
        Assert.False(await fixture.Redis.Db.KeyExistsAsync(SessionKeys.For(phoneCookie)));
        Assert.Equal(("light", "UTC"), await phone.DashboardPreferencesAsync());
    }

    [Fact]
    public async Task DeletingTheAccountEndsEveryDevicesData()
    {
        await using var pair = await RedisAppPair.StartAsync();
        var email = Emails.Unique("data-delete");
        using var laptop = pair.App.CreateAppClient();
        using var phone = pair.App.CreateAppClient();
        await laptop.RegisterAndLoginAsync(email);
        await phone.LoginAsync(email);
        await laptop.SetThemeAsync("dark");
        await phone.SetThemeAsync("dark");
        Assert.True(await PreferenceForms.AnyKeyHoldsAsync(pair.Redis, DataKey));

        var deleted = await phone.SubmitAsync("/Account/Delete", [new("Input.Password", AppClient.Password)]);

        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.False(await PreferenceForms.AnyKeyHoldsAsync(pair.Redis, DataKey));
    }

    [Fact]
    public async Task ASessionThatFailsReValidationTakesItsDataAlong()
    {
        await using var pair = await RedisAppPair.StartAsync(new Dictionary<string, string?> { ["Sessions:ValidationInterval"] = "00:00:01" });
        var email = Emails.Unique("data-revalidation");
        using var client = pair.App.CreateAppClient();
        var cookie = await client.RegisterAndLoginAsync(email);
        await client.SetThemeAsync("dark");
        var userId = (await AccountsDb.UserAsync(pair.App, email)).Id;

        await using (var connection = new SqliteConnection($"Data Source={pair.App.DatabasePath}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE AspNetUsers SET SecurityStamp = 'RESET-BY-AN-ADMINISTRATOR' WHERE Id = $id";
            command.Parameters.AddWithValue("$id", userId);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        await Task.Delay(TimeSpan.FromMilliseconds(1300));

        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/Dashboard")).StatusCode);
        Assert.False(await pair.Redis.Db.KeyExistsAsync(SessionKeys.For(cookie)));
        Assert.False(await PreferenceForms.AnyKeyHoldsAsync(pair.Redis, DataKey));
    }
}
