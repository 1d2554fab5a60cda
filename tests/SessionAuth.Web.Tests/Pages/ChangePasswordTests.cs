using System.Net;
using System.Text.RegularExpressions;
using SessionAuth.Web.Pages.Account;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Pages;

/// <summary>Changing the password needs the current one, rotates this session and ends every other (ASVS 2.1.5, 3.3.3).</summary>
public class ChangePasswordTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    private const string NewPassword = "a brand new passphrase for me";

    [Fact]
    public async Task ChangingThePasswordRotatesThisSessionAndEndsEveryOtherOne()
    {
        var email = Emails.Unique("change");
        using var laptop = fixture.App.CreateAppClient();
        var laptopCookie = await laptop.RegisterAndLoginAsync(email);
        using var phone = fixture.App.CreateAppClient();
        var phoneCookie = AppClient.SessionCookieValue(await phone.LoginAsync(email))!;

        var change = await AccountForms.ChangePasswordAsync(laptop, AppClient.Password, NewPassword);

        Assert.Equal(HttpStatusCode.Redirect, change.StatusCode);
        var rotated = AppClient.SessionCookieValue(change);
        Assert.NotNull(rotated);
        Assert.NotEqual(laptopCookie, rotated);
        Assert.False(await fixture.Redis.Db.KeyExistsAsync(SessionKeys.For(laptopCookie)));
        Assert.False(await fixture.Redis.Db.KeyExistsAsync(SessionKeys.For(phoneCookie)));
        Assert.True(await fixture.Redis.Db.KeyExistsAsync(SessionKeys.For(rotated)));
        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync("/Dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await phone.GetAsync("/Dashboard")).StatusCode);
        Assert.Contains(fixture.App.Logs.Entries, e => e.EventId.Id == 1014);

        using var later = fixture.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.OK, (await later.LoginAsync(email)).StatusCode); // old password: refused
        Assert.Equal(HttpStatusCode.Redirect, (await later.LoginAsync(email, NewPassword)).StatusCode);
    }

    [Fact]
    public async Task AWrongCurrentPasswordChangesNothing()
    {
        var email = Emails.Unique("change-wrong");
        using var client = fixture.App.CreateAppClient();
        var cookie = await client.RegisterAndLoginAsync(email);

        var change = await AccountForms.ChangePasswordAsync(client, "not my current password", NewPassword);

        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        Assert.Contains("That is not your current password.", await AppClient.BodyAsync(change), StringComparison.Ordinal);
        Assert.True(await fixture.Redis.Db.KeyExistsAsync(SessionKeys.For(cookie)));
        using var later = fixture.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await later.LoginAsync(email)).StatusCode);
    }

    [Theory]
    [InlineData("correct horse battery staple", "correct horse battery staple")]
    [InlineData("cr\u00e8me br\u00fbl\u00e9e au caf\u00e9 noir", "cre\u0300me bru\u0302le\u0301e au cafe\u0301 noir")] // the same text, decomposed
    public async Task TheCurrentPasswordAsTheNewOneIsRefusedOnTheNewPasswordFieldAndChangesNothing(string current, string typedAsNew)
    {
        var email = Emails.Unique("change-same");
        using var laptop = fixture.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await laptop.RegisterAsync(email, current)).StatusCode);
        var laptopCookie = AppClient.SessionCookieValue(await laptop.LoginAsync(email, current))!;
        using var phone = fixture.App.CreateAppClient();
        var phoneCookie = AppClient.SessionCookieValue(await phone.LoginAsync(email, current))!;
        await AccountForms.ChangePasswordAsync(laptop, "a wrong current password", NewPassword);
        var before = await AccountsDb.UserAsync(fixture.App, email);
        Assert.Equal(1, before.AccessFailedCount);

        var change = await AccountForms.ChangePasswordAsync(laptop, current, typedAsNew);

        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        var fieldError = Regex.Match(await AppClient.BodyAsync(change), "<span[^>]*id=\"new-error\"[^>]*>([^<]*)</span>");
        Assert.Equal(ChangePasswordModel.SameAsCurrent, fieldError.Groups[1].Value);
        var after = await AccountsDb.UserAsync(fixture.App, email);
        Assert.Equal(before.PasswordHash, after.PasswordHash);
        Assert.Equal(0, after.AccessFailedCount); // the current password was right
        Assert.True(await fixture.Redis.Db.KeyExistsAsync(SessionKeys.For(laptopCookie)));
        Assert.True(await fixture.Redis.Db.KeyExistsAsync(SessionKeys.For(phoneCookie)));
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync("/Dashboard")).StatusCode);
        Assert.DoesNotContain(fixture.App.Logs.Entries, e => e.EventId.Id == 1014 && e.Message.Contains(after.Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AWrongCurrentPasswordRepeatedAsTheNewOneIsAWrongCurrentPassword()
    {
        var email = Emails.Unique("change-same-wrong");
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(email);

        var change = await AccountForms.ChangePasswordAsync(client, "not my password but long enough", "not my password but long enough");

        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        Assert.Contains(ChangePasswordModel.WrongCurrentPassword, await AppClient.BodyAsync(change), StringComparison.Ordinal);
        Assert.Equal(1, (await AccountsDb.UserAsync(fixture.App, email)).AccessFailedCount);
    }

    [Fact]
    public async Task WrongCurrentPasswordsCountTowardLockoutAndALockedAccountCannotChangeItsPassword()
    {
        var email = Emails.Unique("change-guess");
        using var thief = fixture.App.CreateAppClient();
        await thief.RegisterAndLoginAsync(email);
        using var owner = fixture.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await owner.LoginAsync(email)).StatusCode);

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            var guess = await AccountForms.ChangePasswordAsync(thief, $"guess number {attempt} is wrong", NewPassword);
            Assert.Equal(HttpStatusCode.OK, guess.StatusCode);
            Assert.Contains("That is not your current password.", await AppClient.BodyAsync(guess), StringComparison.Ordinal);
            Assert.Equal(attempt, (await AccountsDb.UserAsync(fixture.App, email)).AccessFailedCount);
        }

        var fifth = await AccountForms.ChangePasswordAsync(thief, "guess number 5 is wrong", NewPassword);

        // The fifth wrong guess locks the account (in the database) and ends the guessing session.
        Assert.Equal(HttpStatusCode.Redirect, fifth.StatusCode);
        Assert.Equal("/Account/Login?Notice=locked-out", fifth.Headers.Location?.OriginalString);
        var user = await AccountsDb.UserAsync(fixture.App, email);
        Assert.True(user.LockoutEnd > DateTimeOffset.UtcNow, $"LockoutEnd is {user.LockoutEnd}");
        Assert.Equal(HttpStatusCode.Redirect, (await thief.GetAsync("/Dashboard")).StatusCode);
        Assert.Contains(fixture.App.Logs.Entries, e => e.EventId.Id == 1013);

        // The right password does not help while the lockout lasts, on any session, and signing in fails too.
        var hashBefore = user.PasswordHash;
        var right = await AccountForms.ChangePasswordAsync(owner, AppClient.Password, NewPassword);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("this account is locked for a while", await AppClient.BodyAsync(right), StringComparison.Ordinal);
        Assert.Equal(hashBefore, (await AccountsDb.UserAsync(fixture.App, email)).PasswordHash);
        using var someoneElse = fixture.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.OK, (await someoneElse.LoginAsync(email)).StatusCode);

        // The owner's other session was left alone.
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/Dashboard")).StatusCode);
        Assert.Equal(1, await AccountsDb.SessionCountAsync(fixture.App, user.Id));
    }

    [Fact]
    public async Task WrongCurrentPasswordsSentAtOnceAreEachCountedAndLockTheAccount()
    {
        var email = Emails.Unique("change-burst");
        using var first = fixture.App.CreateAppClient();
        await first.RegisterAndLoginAsync(email);
        var thieves = new List<AppClient> { first };
        for (var i = 1; i < 5; i++)
        {
            var thief = fixture.App.CreateAppClient();
            Assert.Equal(HttpStatusCode.Redirect, (await thief.LoginAsync(email)).StatusCode);
            thieves.Add(thief);
        }

        // Five wrong guesses in one burst: Identity refuses all but one of the simultaneous updates of
        // the failure count (its concurrency stamp), and every refused one must be counted again.
        var guesses = await Task.WhenAll(thieves.Select((thief, i) => AccountForms.ChangePasswordAsync(thief, $"burst guess {i} is wrong", NewPassword)));

        Assert.All(guesses, guess => Assert.True(guess.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect, $"{guess.StatusCode}"));
        var user = await AccountsDb.UserAsync(fixture.App, email);
        Assert.True(user.LockoutEnd > DateTimeOffset.UtcNow, $"5 wrong guesses at once left AccessFailedCount {user.AccessFailedCount} and no lockout");
        thieves.ForEach(thief => thief.Dispose());
    }

    [Fact]
    public async Task TheRightCurrentPasswordResetsTheFailureCount()
    {
        var email = Emails.Unique("change-reset");
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(email);
        await AccountForms.ChangePasswordAsync(client, "a wrong current password", NewPassword);
        await AccountForms.ChangePasswordAsync(client, "another wrong one", NewPassword);
        Assert.Equal(2, (await AccountsDb.UserAsync(fixture.App, email)).AccessFailedCount);

        var change = await AccountForms.ChangePasswordAsync(client, AppClient.Password, NewPassword);

        Assert.Equal(HttpStatusCode.Redirect, change.StatusCode);
        Assert.Equal(0, (await AccountsDb.UserAsync(fixture.App, email)).AccessFailedCount);
    }

    [Fact]
    public async Task TheNewPasswordMustMeetThePolicy()
    {
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("change-policy"));

        var change = await AccountForms.ChangePasswordAsync(client, AppClient.Password, "qwerty123456");

        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        Assert.Contains("most common", await AppClient.BodyAsync(change), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangePasswordNeedsASignedInPersonAndAnAntiforgeryToken()
    {
        using var anonymous = fixture.App.CreateAppClient();
        var page = await anonymous.GetAsync("/Account/ChangePassword");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/Account/Login", page.Headers.Location?.OriginalString, StringComparison.Ordinal);

        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("change-csrf"));
        var forged = await client.Http.PostAsync("/Account/ChangePassword", new FormUrlEncodedContent(
            [new("Input.OldPassword", AppClient.Password), new("Input.NewPassword", NewPassword), new("Input.ConfirmPassword", NewPassword)]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }
}
