using System.Net;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Pages;

/// <summary>/Account/Sessions: every session of the user listed, any other one ended at once, through the real pipeline, Redis and SQLite.</summary>
public sealed class SessionsPageTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    private readonly SessionAuthApplication _app = fixture.App;

    [Fact]
    public async Task BothSessionsOfOneUserAreListedNewestFirstWithThisDeviceOnTheRightOne()
    {
        var email = Emails.Unique("list");
        using var laptop = SessionsPage.ClientAs(_app, SessionsPage.FirefoxOnWindows);
        using var phone = SessionsPage.ClientAs(_app, SessionsPage.ChromeOnAndroid);
        await SessionsPage.SignInTwiceAsync(laptop, phone, email);

        var onLaptop = await SessionsPage.RowsAsync(laptop);
        var onPhone = await SessionsPage.RowsAsync(phone);

        Assert.Equal(2, onLaptop.Count);
        // Newest first: the phone signed in last.
        Assert.Contains("Chrome 131 on Android", onLaptop[0].Html, StringComparison.Ordinal);
        Assert.False(onLaptop[0].IsCurrent);
        Assert.NotNull(onLaptop[0].Handle);
        Assert.Contains("Firefox 133 on Windows", onLaptop[1].Html, StringComparison.Ordinal);
        Assert.True(onLaptop[1].IsCurrent);
        Assert.Null(onLaptop[1].Handle); // the current row has no revoke form: Sign out ends it
        Assert.Equal(2, onPhone.Count);
        Assert.True(onPhone[0].IsCurrent);
        Assert.False(onPhone[1].IsCurrent);
        foreach (var row in onLaptop)
        {
            // Signed in at, last active, ends at: three machine-readable UTC times, and the client address.
            Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(row.Html, "<time datetime=\"\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z\">"));
            Assert.Contains("UTC</time>", row.Html, StringComparison.Ordinal);
        }

        // The handle is the store's public name of the session, not its id: it cannot be a cookie.
        var handle = onLaptop[0].Handle!;
        Assert.Equal(43, handle.Length);
        using var forger = _app.CreateClientCarrying(handle);
        Assert.Equal(HttpStatusCode.Redirect, (await forger.GetAsync(SessionsPage.Path)).StatusCode);
    }

    [Fact]
    public async Task RevokingTheOtherSessionMakesItsVeryNextRequestAnonymousAndSaysOneSessionEnded()
    {
        var email = Emails.Unique("revoke");
        using var laptop = SessionsPage.ClientAs(_app, SessionsPage.FirefoxOnWindows);
        using var phone = SessionsPage.ClientAs(_app, SessionsPage.ChromeOnAndroid);
        await SessionsPage.SignInTwiceAsync(laptop, phone, email);
        var other = (await SessionsPage.RowsAsync(laptop)).Single(r => !r.IsCurrent);

        var revoke = await SessionsPage.PostAsync(laptop, "Revoke", other.Handle);

        var after = await SessionsPage.FollowAsync(laptop, revoke);
        Assert.Equal("1 session ended.", SessionsPage.Confirmation(after));
        Assert.True(Assert.Single(SessionsPage.Rows(after)).IsCurrent);
        var phoneNext = await phone.GetAsync("/Dashboard");
        Assert.Equal(HttpStatusCode.Redirect, phoneNext.StatusCode);
        Assert.StartsWith("/Account/Login", phoneNext.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync("/Dashboard")).StatusCode);
        Assert.Contains("SessionRevoked", SessionsPage.ActivityKinds(after));
        Assert.Contains("ended Chrome 131 on Android, ", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignOutAllOtherSessionsLeavesOnlyThisOneAndSaysHowManyEnded()
    {
        var email = Emails.Unique("others");
        using var mine = _app.CreateAppClient();
        await mine.RegisterAndLoginAsync(email);
        var others = new List<AppClient>();
        for (var i = 0; i < 3; i++)
        {
            var other = _app.CreateAppClient();
            Assert.Equal(HttpStatusCode.Redirect, (await other.LoginAsync(email)).StatusCode);
            others.Add(other);
        }

        var revoke = await SessionsPage.PostAsync(mine, "RevokeOthers");

        var after = await SessionsPage.FollowAsync(mine, revoke);
        Assert.Equal("3 sessions ended.", SessionsPage.Confirmation(after));
        Assert.True(Assert.Single(SessionsPage.Rows(after)).IsCurrent);
        foreach (var other in others)
        {
            Assert.Equal(HttpStatusCode.Redirect, (await other.GetAsync("/Dashboard")).StatusCode);
            other.Dispose();
        }

        Assert.Equal(HttpStatusCode.OK, (await mine.GetAsync("/Dashboard")).StatusCode);
        Assert.Contains("OtherSessionsRevoked", SessionsPage.ActivityKinds(after));
    }

    [Fact]
    public async Task AnotherUsersHandleChangesNothingAndSaysSo()
    {
        using var mallory = _app.CreateAppClient();
        await mallory.RegisterAndLoginAsync(Emails.Unique("mallory"));
        var victimEmail = Emails.Unique("victim");
        using var victim = _app.CreateAppClient();
        using var victimPhone = _app.CreateAppClient();
        await SessionsPage.SignInTwiceAsync(victim, victimPhone, victimEmail);
        var victimHandle = (await SessionsPage.RowsAsync(victim)).Single(r => !r.IsCurrent).Handle;

        var attempt = await SessionsPage.PostAsync(mallory, "Revoke", victimHandle);

        var after = await SessionsPage.FollowAsync(mallory, attempt);
        Assert.Contains("not found among yours", SessionsPage.Confirmation(after), StringComparison.Ordinal);
        Assert.Contains("Nothing changed", SessionsPage.Confirmation(after), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await victim.GetAsync("/Dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await victimPhone.GetAsync("/Dashboard")).StatusCode);
        Assert.Equal(2, (await SessionsPage.RowsAsync(victim)).Count);
        Assert.Single(await SessionsPage.RowsAsync(mallory));
    }

    [Fact]
    public async Task AHandleOfASessionThatAlreadyEndedChangesNothingAndSaysSo()
    {
        var email = Emails.Unique("gone");
        using var mine = _app.CreateAppClient();
        using var other = _app.CreateAppClient();
        await SessionsPage.SignInTwiceAsync(mine, other, email);
        var handle = (await SessionsPage.RowsAsync(mine)).Single(r => !r.IsCurrent).Handle;
        await SessionsPage.FollowAsync(mine, await SessionsPage.PostAsync(mine, "Revoke", handle));

        var again = await SessionsPage.PostAsync(mine, "Revoke", handle);

        Assert.Contains("not found among yours", SessionsPage.Confirmation(await SessionsPage.FollowAsync(mine, again)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCurrentSessionsOwnHandleIsNotEndedHere()
    {
        var email = Emails.Unique("self");
        using var mine = _app.CreateAppClient();
        var cookie = await mine.RegisterAndLoginAsync(email);
        var ownHandle = Web.Sessions.SessionHandle.Of(ParseId(cookie)).Value;

        var attempt = await SessionsPage.PostAsync(mine, "Revoke", ownHandle);

        Assert.Contains("use Sign out", SessionsPage.Confirmation(await SessionsPage.FollowAsync(mine, attempt)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await mine.GetAsync("/Dashboard")).StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-handle")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB")] // 44 characters
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB")] // 43, but not a canonical encoding
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+/")] // 43, characters outside base64url
    [InlineData("../../../../etc/passwd%00<script>")]
    public async Task AMalformedHandleIsA400WithAMessageAndChangesNothing(string handle)
    {
        var email = Emails.Unique("malformed");
        using var mine = _app.CreateAppClient();
        using var other = _app.CreateAppClient();
        await SessionsPage.SignInTwiceAsync(mine, other, email);

        var attempt = await SessionsPage.PostAsync(mine, "Revoke", handle);

        Assert.Equal(HttpStatusCode.BadRequest, attempt.StatusCode);
        var html = await AppClient.BodyAsync(attempt);
        Assert.Contains("not a session handle this page gave out", SessionsPage.Confirmation(html), StringComparison.Ordinal);
        Assert.Equal(2, SessionsPage.Rows(html).Count);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/Dashboard")).StatusCode);
    }

    [Fact]
    public async Task ARevokeWithoutAHandleFieldIsA400AndChangesNothing()
    {
        var email = Emails.Unique("nohandle");
        using var mine = _app.CreateAppClient();
        using var other = _app.CreateAppClient();
        await SessionsPage.SignInTwiceAsync(mine, other, email);

        var attempt = await SessionsPage.PostAsync(mine, "Revoke", handle: null);

        Assert.Equal(HttpStatusCode.BadRequest, attempt.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/Dashboard")).StatusCode);
    }

    [Theory]
    [InlineData("Revoke")]
    [InlineData("RevokeOthers")]
    public async Task EachFormOfThePageNeedsItsAntiforgeryToken(string handler)
    {
        var email = Emails.Unique("csrf");
        using var mine = _app.CreateAppClient();
        using var other = _app.CreateAppClient();
        await SessionsPage.SignInTwiceAsync(mine, other, email);
        var handle = (await SessionsPage.RowsAsync(mine)).Single(r => !r.IsCurrent).Handle!;

        var forged = await mine.Http.PostAsync($"{SessionsPage.Path}?handler={handler}",
            new FormUrlEncodedContent([new("Handle", handle)]));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/Dashboard")).StatusCode);
        Assert.Equal(2, (await SessionsPage.RowsAsync(mine)).Count);
    }

    [Theory]
    [InlineData("/Account/Sessions")]
    [InlineData("/Account/Sessions/")]
    [InlineData("/account/SESSIONS")]
    [InlineData("/%41ccount/Sessions")]
    [InlineData("/Account/Delete")]
    [InlineData("/account/delete/")]
    public async Task ThePagesNeedASignedInUserWhateverThePathsSpelling(string path)
    {
        using var anonymous = _app.CreateAppClient();

        var response = await anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login?ReturnUrl=", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheNavigationBarAndTheDashboardLinkToTheSessionsPage()
    {
        using var client = _app.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("links"));

        var dashboard = await AppClient.BodyAsync(await client.GetAsync("/Dashboard"));
        var sessions = await SessionsPage.HtmlAsync(client);

        Assert.Matches("<a class=\"nav-link[^\"]*\"[^>]*href=\"/Account/Sessions\">Sessions</a>", dashboard);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(dashboard, "href=\"/Account/Sessions\""));
        Assert.Matches("aria-current=\"page\" href=\"/Account/Sessions\">Sessions</a>", sessions);
        Assert.Contains("href=\"/Account/Delete\"", sessions, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EachSessionIsRenderedOnceAndEachOtherRowHasOneFormWithOneHandleField()
    {
        var email = Emails.Unique("markup");
        using var mine = _app.CreateAppClient();
        using var other = _app.CreateAppClient();
        await SessionsPage.SignInTwiceAsync(mine, other, email);

        var html = await SessionsPage.HtmlAsync(mine);

        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(html, "data-testid=\"session-row\""));
        var otherRow = SessionsPage.Rows(html).Single(r => !r.IsCurrent);
        Assert.Equal(1, System.Text.RegularExpressions.Regex.Count(otherRow.Html, "<form method=\"post\" action=\"/Account/Sessions\\?handler=Revoke\">"));
        var inputs = System.Text.RegularExpressions.Regex.Matches(otherRow.Html, "<input [^>]*name=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["Handle", "__RequestVerificationToken"], inputs.Order(StringComparer.Ordinal));
        Assert.Contains("action=\"/Account/Sessions?handler=RevokeOthers\"", html, StringComparison.Ordinal);
        Assert.Contains(">Sign out all other sessions<", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSessionCountInTheStoreMatchesThePage()
    {
        var email = Emails.Unique("count");
        using var mine = _app.CreateAppClient();
        using var other = _app.CreateAppClient();
        await SessionsPage.SignInTwiceAsync(mine, other, email);
        var userId = (await AccountsDb.UserAsync(_app, email)).Id;

        var rows = await SessionsPage.RowsAsync(mine);

        Assert.Equal(await AccountsDb.SessionCountAsync(_app, userId), rows.Count);
    }

    private static Web.Sessions.SessionId ParseId(string cookie)
    {
        Assert.True(Web.Sessions.SessionId.TryParse(cookie.Split('.')[0], out var id));
        return id;
    }
}
