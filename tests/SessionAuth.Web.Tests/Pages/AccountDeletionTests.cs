using System.Net;
using Microsoft.Data.Sqlite;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Pages;

/// <summary>/Account/Delete: the right password ends every session and deletes the user and its activity; a wrong one deletes nothing.</summary>
public sealed class AccountDeletionTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    private const string Path = "/Account/Delete";

    private readonly SessionAuthApplication _app = fixture.App;

    [Fact]
    public async Task TheRightPasswordEndsEverySessionDeletesTheUserAndItsActivityAndSignInThenFailsLikeAnUnknownEmail()
    {
        var email = Emails.Unique("delete");
        using var laptop = _app.CreateAppClient();
        using var phone = _app.CreateAppClient();
        await SessionsPage.SignInTwiceAsync(laptop, phone, email);
        var userId = (await AccountsDb.UserAsync(_app, email)).Id;
        Assert.True(await ActivityRowsAsync(_app, userId) > 0);

        var delete = await DeleteAsync(laptop, AppClient.Password);

        Assert.Equal(HttpStatusCode.Redirect, delete.StatusCode);
        Assert.Equal("/?Notice=deleted", delete.Headers.Location?.OriginalString);
        var home = await AppClient.BodyAsync(await laptop.GetAsync("/?Notice=deleted"));
        Assert.Contains("data-testid=\"account-deleted\"", home, StringComparison.Ordinal);
        Assert.Contains("Your account is deleted.", home, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"signed-in-as\"", home, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await laptop.GetAsync("/Dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await phone.GetAsync("/Dashboard")).StatusCode);
        Assert.Equal(0, await AccountsDb.SessionCountAsync(_app, userId));
        Assert.Empty(await AccountsDb.UsersWithEmailAsync(_app, email));
        Assert.Equal(0, await ActivityRowsAsync(_app, userId));

        using var later = _app.CreateAppClient();
        var signIn = await later.LoginAsync(email);
        using var stranger = _app.CreateAppClient();
        var unknown = await stranger.LoginAsync(Emails.Unique("never-registered"));
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Contains("Invalid email or password.", await AppClient.BodyAsync(signIn), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        Assert.Null(AppClient.SessionCookieValue(signIn));
    }

    [Fact]
    public async Task TwoDeletionsRacingFromTwoDevicesBothEndWellAndTheAccountIsGone()
    {
        var email = Emails.Unique("delete-race");
        using var laptop = _app.CreateAppClient();
        using var phone = _app.CreateAppClient();
        await SessionsPage.SignInTwiceAsync(laptop, phone, email);
        var laptopToken = await laptop.GetAntiforgeryTokenAsync(Path);
        var phoneToken = await phone.GetAntiforgeryTokenAsync(Path);

        // Both forms are filled in before either is sent, then sent at once: a double submit.
        var answers = await Task.WhenAll(
            laptop.Http.PostAsync(Path, Form(laptopToken)),
            phone.Http.PostAsync(Path, Form(phoneToken)));

        foreach (var answer in answers)
        {
            Assert.True((int)answer.StatusCode < 500, $"A racing deletion answered {(int)answer.StatusCode}.");
        }

        Assert.Contains(answers, answer => answer.Headers.Location?.OriginalString == "/?Notice=deleted");
        Assert.Empty(await AccountsDb.UsersWithEmailAsync(_app, email));

        static FormUrlEncodedContent Form(string token) =>
            new([new("Input.Password", AppClient.Password), new("__RequestVerificationToken", token)]);
    }

    [Fact]
    public async Task AWrongPasswordIsAFieldErrorDeletesNothingAndCountsTowardLockout()
    {
        var email = Emails.Unique("delete-wrong");
        using var client = _app.CreateAppClient();
        await client.RegisterAndLoginAsync(email);
        var user = await AccountsDb.UserAsync(_app, email);
        var activityBefore = await ActivityRowsAsync(_app, user.Id);

        var delete = await DeleteAsync(client, "not my password at all");

        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        var html = await AppClient.BodyAsync(delete);
        Assert.Contains("That is not your current password. Nothing was deleted.", html, StringComparison.Ordinal);
        Assert.Contains("<title>Error: Delete your account", html, StringComparison.Ordinal);
        Assert.Equal(1, (await AccountsDb.UserAsync(_app, email)).AccessFailedCount);
        Assert.Equal(1, await AccountsDb.SessionCountAsync(_app, user.Id));
        Assert.Equal(activityBefore, await ActivityRowsAsync(_app, user.Id));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Dashboard")).StatusCode);
    }

    [Fact]
    public async Task FiveWrongPasswordsLockTheAccountAndEndTheGuessingSessionWithoutDeletingAnything()
    {
        var email = Emails.Unique("delete-guess");
        using var thief = _app.CreateAppClient();
        await thief.RegisterAndLoginAsync(email);

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            Assert.Equal(HttpStatusCode.OK, (await DeleteAsync(thief, $"guess {attempt} is wrong")).StatusCode);
        }

        var fifth = await DeleteAsync(thief, "guess 5 is wrong");

        Assert.Equal(HttpStatusCode.Redirect, fifth.StatusCode);
        Assert.Equal("/Account/Login?Notice=locked-out", fifth.Headers.Location?.OriginalString);
        var user = await AccountsDb.UserAsync(_app, email);
        Assert.True(user.LockoutEnd > DateTimeOffset.UtcNow);
        Assert.Equal(HttpStatusCode.Redirect, (await thief.GetAsync("/Dashboard")).StatusCode);
    }

    [Fact]
    public async Task TheDeleteFormNeedsItsAntiforgeryToken()
    {
        var email = Emails.Unique("delete-csrf");
        using var client = _app.CreateAppClient();
        await client.RegisterAndLoginAsync(email);

        var forged = await client.Http.PostAsync(Path, new FormUrlEncodedContent([new("Input.Password", AppClient.Password)]));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Single(await AccountsDb.UsersWithEmailAsync(_app, email));
    }

    private static Task<HttpResponseMessage> DeleteAsync(AppClient client, string password) =>
        client.SubmitAsync(Path, [new("Input.Password", password)]);

    internal static async Task<long> ActivityRowsAsync(SessionAuthApplication app, string userId)
    {
        await using var connection = new SqliteConnection($"Data Source={app.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM ActivityEvents WHERE UserId = $user";
        command.Parameters.AddWithValue("$user", userId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
