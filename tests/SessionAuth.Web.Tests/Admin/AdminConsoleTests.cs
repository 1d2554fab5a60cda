using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Pages.Admin;
using SessionAuth.Web.Tests.Infrastructure;
using SessionAuth.Web.Tests.Tokens;

namespace SessionAuth.Web.Tests.Admin;

/// <summary>
/// The operators' console over HTTP, on real Redis and real accounts databases (SQLite, and PostgreSQL where the
/// provider matters): who may open it, the list and its search, and each action with the traces it leaves.
/// </summary>
public sealed class AdminConsoleTests
{
    private const int EndedEvent = 6001;
    private const int LockedEvent = 6002;
    private const int UnlockedEvent = 6003;

    [Fact]
    public async Task AnonymousIsSentToSignInAndASignedInUserWithoutTheRoleGetsAFinished403Page()
    {
        var operatorEmail = Emails.Unique("ops");
        await using var pair = await RedisAppPair.StartAsync(AdminConsole.OperatorSettings(operatorEmail));
        using var anonymous = pair.App.CreateAppClient();
        using var person = pair.App.CreateAppClient();
        await person.RegisterAndLoginAsync(Emails.Unique("person"));

        var toSignIn = await anonymous.GetAsync(AdminConsole.UsersPath);
        var userPageToSignIn = await anonymous.GetAsync(AdminConsole.UserPath("some-id"));
        var forbidden = await person.GetAsync(AdminConsole.UsersPath);
        var forbiddenUserPage = await person.GetAsync(AdminConsole.UserPath("some-id"));

        Assert.Equal(HttpStatusCode.Redirect, toSignIn.StatusCode);
        Assert.Equal("/Account/Login?ReturnUrl=%2FAdmin%2FUsers", toSignIn.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, userPageToSignIn.StatusCode);
        Assert.Equal("/Account/Login?ReturnUrl=%2FAdmin%2FUser%2Fsome-id", userPageToSignIn.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        var page = await AppClient.BodyAsync(forbidden);
        Assert.Contains("<html", page, StringComparison.Ordinal);
        Assert.Contains("Access denied", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"user-row\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain($"href=\"{AdminConsole.UsersPath}\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, forbiddenUserPage.StatusCode);
        Assert.Empty(pair.App.Logs.UnhandledExceptions);
    }

    [Fact]
    public async Task AListedOperatorOpensTheConsoleFromTheNavigationAndAnotherUsersPostIsForbidden()
    {
        var operatorEmail = Emails.Unique("ops");
        await using var pair = await RedisAppPair.StartAsync(AdminConsole.OperatorSettings(operatorEmail));
        using var operatorClient = pair.App.CreateAppClient();
        await AdminConsole.RegisterOperatorAsync(pair.App, operatorClient, operatorEmail);
        using var person = pair.App.CreateAppClient();
        var personEmail = Emails.Unique("person");
        await person.RegisterAndLoginAsync(personEmail);
        var personId = (await AccountsDb.UserAsync(pair.App, personEmail)).Id;
        var operatorId = (await AccountsDb.UserAsync(pair.App, operatorEmail)).Id;
        var action = AdminConsole.FormAction(await AppClient.BodyAsync(await operatorClient.GetAsync(AdminConsole.UserPath(operatorId))), "admin-end-sessions")!;

        var list = await operatorClient.GetAsync(AdminConsole.UsersPath);
        var rootOfTheConsole = await operatorClient.GetAsync("/Admin");
        var personsTry = await person.SubmitAsync("/Account/Sessions", [], postPath: action);

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var html = await AppClient.BodyAsync(list);
        Assert.Equal(2, AdminConsole.UserRows(html).Count);
        Assert.Contains($"href=\"{AdminConsole.UsersPath}\"", html, StringComparison.Ordinal);
        Assert.Contains(AdminConsole.UserRows(html), row => row.Contains($"href=\"{AdminConsole.UserPath(personId)}\"", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Redirect, rootOfTheConsole.StatusCode);
        Assert.Equal(AdminConsole.UsersPath, rootOfTheConsole.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Forbidden, personsTry.StatusCode);
        Assert.Equal(1, await AccountsDb.SessionCountAsync(pair.App, operatorId));
    }

    [Fact]
    public async Task WithConfirmationRequiredAListedAddressGivesTheConsoleOnlyOnceConfirmed()
    {
        var listedEmail = Emails.Unique("ops");
        await using var pair = await RedisAppPair.StartAsync(AdminConsole.OperatorSettings(listedEmail, new() { ["Admin:RequireConfirmedEmail"] = "true" }));
        using var claimant = pair.App.CreateAppClient();
        await claimant.RegisterAndLoginAsync(listedEmail);

        var unconfirmed = await claimant.GetAsync(AdminConsole.UsersPath);
        var holdersUnconfirmed = await HoldersAsync(pair.App);
        await AdminConsole.ConfirmAddressAsync(pair.App, listedEmail);
        using var owner = pair.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await owner.LoginAsync(listedEmail)).StatusCode);
        var confirmed = await owner.GetAsync(AdminConsole.UsersPath);

        Assert.Equal(HttpStatusCode.Forbidden, unconfirmed.StatusCode);
        Assert.Empty(holdersUnconfirmed);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Equal([listedEmail], await HoldersAsync(pair.App));
    }

    [Fact]
    public async Task WithoutAMailServerAListedAddressCountsUnconfirmedAndTheStartUpLogWarnsOfIt()
    {
        var listedEmail = Emails.Unique("ops");
        await using var pair = await RedisAppPair.StartAsync(AdminConsole.OperatorSettings(listedEmail));
        using var claimant = pair.App.CreateAppClient();
        await claimant.RegisterAndLoginAsync(listedEmail);

        var console = await claimant.GetAsync(AdminConsole.UsersPath);

        Assert.Equal(HttpStatusCode.OK, console.StatusCode);
        var warning = Assert.Single(pair.App.Logs.Entries, e => e.EventId.Name == "OperatorAddressesUnconfirmed");
        Assert.Equal((LogLevel.Warning, 1034), (warning.Level, warning.EventId.Id));
    }

    [Theory]
    [InlineData(null, "smtp.example.com", true)]
    [InlineData(null, null, false)]
    [InlineData(null, " ", false)]
    [InlineData(false, "smtp.example.com", false)]
    [InlineData(true, null, true)]
    public void AnOperatorsAddressMustBeConfirmedWheneverMailReallyGoesOutUnlessSetOtherwise(bool? setting, string? smtpHost, bool required)
    {
        var admin = new AdminOptions { RequireConfirmedEmail = setting };
        var email = new SessionAuth.Web.Email.EmailOptions { Smtp = { Host = smtpHost } };

        Assert.Equal(required, admin.ConfirmationRequired(email));
    }

    [Fact]
    public async Task AtStartUpAnUnconfirmedListedAccountLosesTheRoleAndAConfirmedOneGainsIt()
    {
        var unconfirmedEmail = Emails.Unique("ops-unconfirmed");
        var confirmedEmail = Emails.Unique("ops-confirmed");
        await using var redis = await RedisServer.StartAsync();
        await using var database = TestDatabase.Sqlite("admin-confirmed");
        await using (var before = new SessionAuthApplication(redis.ConnectionString, database: database))
        {
            await AdminConsole.CreateUsersAsync(before, [unconfirmedEmail]);
            await AdminConsole.CreateUsersAsync(before, [confirmedEmail], user => user.EmailConfirmed = true);
            await using var scope = before.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            // As a database written before confirmation counted: the unconfirmed account holds the role.
            Assert.True((await users.AddToRoleAsync((await users.FindByEmailAsync(unconfirmedEmail))!, OperatorRole.Name)).Succeeded);
        }

        var settings = new Dictionary<string, string?>
        {
            ["Admin:Emails:0"] = unconfirmedEmail,
            ["Admin:Emails:1"] = confirmedEmail,
            ["Admin:RequireConfirmedEmail"] = "true",
        };
        await using var after = new SessionAuthApplication(redis.ConnectionString, settings, database: database);
        using var client = after.CreateAppClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/Login")).StatusCode);
        Assert.Equal([confirmedEmail], await HoldersAsync(after));
    }

    [Theory]
    [InlineData(AccountsProvider.Sqlite)]
    [InlineData(AccountsProvider.Postgres)]
    public async Task TheListShowsFiftyAPageAndSearchFindsAnyPartOfTheEmailInAnyCase(AccountsProvider provider)
    {
        var operatorEmail = Emails.Unique("ops");
        await using var pair = await RedisAppPair.StartAsync(AdminConsole.OperatorSettings(operatorEmail), accounts: provider);
        using var operatorClient = pair.App.CreateAppClient();
        await AdminConsole.RegisterOperatorAsync(pair.App, operatorClient, operatorEmail);
        var run = Guid.NewGuid().ToString("N")[..8];
        await AdminConsole.CreateUsersAsync(pair.App, Enumerable.Range(0, 120).Select(i => $"pager-{run}-{i:000}@example.com"));
        var needle = (await AdminConsole.CreateUsersAsync(pair.App, [$"Needle_{run}@Example.com"], user =>
        {
            user.EmailConfirmed = true;
            user.TwoFactorEnabled = true;
        }))[0];

        var first = await AppClient.BodyAsync(await operatorClient.GetAsync($"{AdminConsole.UsersPath}?q=pager-{run}"));
        var third = await AppClient.BodyAsync(await operatorClient.GetAsync($"{AdminConsole.UsersPath}?q=PAGER-{run}&p=3"));
        var found = await AppClient.BodyAsync(await operatorClient.GetAsync($"{AdminConsole.UsersPath}?q=eEdLE_{run.ToUpperInvariant()}@exa"));
        var percent = await AppClient.BodyAsync(await operatorClient.GetAsync($"{AdminConsole.UsersPath}?q=pager-%25"));
        var underscore = await AppClient.BodyAsync(await operatorClient.GetAsync($"{AdminConsole.UsersPath}?q=pager_{run}"));
        var everyone = await AppClient.BodyAsync(await operatorClient.GetAsync(AdminConsole.UsersPath));

        var firstRows = AdminConsole.UserRows(first);
        Assert.Equal(50, firstRows.Count);
        Assert.Contains($"pager-{run}-000@example.com", firstRows[0], StringComparison.Ordinal);
        Assert.Contains($"pager-{run}-049@example.com", firstRows[^1], StringComparison.Ordinal);
        Assert.Contains($"href=\"/Admin/Users?q=pager-{run}&amp;p=2\"", first, StringComparison.Ordinal);
        var thirdRows = AdminConsole.UserRows(third);
        Assert.Equal(20, thirdRows.Count);
        Assert.Contains($"pager-{run}-100@example.com", thirdRows[0], StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"admin-next-page\"", third, StringComparison.Ordinal);
        var row = Assert.Single(AdminConsole.UserRows(found));
        Assert.Contains($"href=\"{AdminConsole.UserPath(needle)}\"", row, StringComparison.Ordinal);
        Assert.Contains("data-label=\"Confirmed\"><div class=\"session-cell\">Yes<", row, StringComparison.Ordinal);
        Assert.Contains("data-label=\"Two-factor\"><div class=\"session-cell\">On<", row, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"user-lock\">No<", row, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"user-live\">0<", row, StringComparison.Ordinal);
        Assert.Contains("none recorded", row, StringComparison.Ordinal);
        Assert.Empty(AdminConsole.UserRows(percent));
        Assert.Empty(AdminConsole.UserRows(underscore));
        Assert.Equal(50, AdminConsole.UserRows(everyone).Count);
        Assert.Contains("data-testid=\"admin-next-page\"", everyone, StringComparison.Ordinal);
        Assert.Empty(pair.App.Logs.UnhandledExceptions);
    }

    [Theory]
    [InlineData("?p=0")]
    [InlineData("?p=-1")]
    [InlineData("?p=two")]
    [InlineData("?p=1000001")]
    [InlineData("?p=99999999999999999999")]
    public async Task APageNumberTheListCannotTakeIsA400WithTheReason(string query)
    {
        var operatorEmail = Emails.Unique("ops");
        await using var pair = await RedisAppPair.StartAsync(AdminConsole.OperatorSettings(operatorEmail));
        using var operatorClient = pair.App.CreateAppClient();
        await AdminConsole.RegisterOperatorAsync(pair.App, operatorClient, operatorEmail);

        var response = await operatorClient.GetAsync(AdminConsole.UsersPath + query);
        var tooLong = await operatorClient.GetAsync($"{AdminConsole.UsersPath}?q={new string('a', 257)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The page number must be a whole number", await AppClient.BodyAsync(response), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Empty(pair.App.Logs.UnhandledExceptions);
    }

    [Theory]
    [InlineData(AccountsProvider.Sqlite)]
    [InlineData(AccountsProvider.Postgres)]
    public async Task ASearchWithControlCharactersIsA400WithTheReasonAndAUserIdThatIsNoGuidA404(AccountsProvider provider)
    {
        var operatorEmail = Emails.Unique("ops");
        await using var pair = await RedisAppPair.StartAsync(AdminConsole.OperatorSettings(operatorEmail), accounts: provider);
        using var operatorClient = pair.App.CreateAppClient();
        await AdminConsole.RegisterOperatorAsync(pair.App, operatorClient, operatorEmail);

        var searches = new List<HttpResponseMessage>();
        // (A query of white space alone binds as none, the whole list.)
        foreach (var query in new[] { "%00", "ops%00", "a%09b", "%0Aops" })
        {
            searches.Add(await operatorClient.GetAsync($"{AdminConsole.UsersPath}?q={query}"));
        }

        // A NUL in the path never reaches the page (the server refuses it); other control characters do.
        var userPage = await operatorClient.GetAsync(AdminConsole.UserPath("no-such-id\u0001"));

        foreach (var search in searches)
        {
            Assert.Equal(HttpStatusCode.BadRequest, search.StatusCode);
            Assert.Contains("control characters", await AppClient.BodyAsync(search), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.NotFound, userPage.StatusCode);
        Assert.Empty(pair.App.Logs.UnhandledExceptions);
    }

    [Fact]
    public async Task SigningOutEverywhereEndsTheBrowsersOnBothInstancesAndTheApiGrantAndTheUserSeesWhoDidIt()
    {
        var operatorEmail = Emails.Unique("ops");
        await using var pair = await RedisAppPair.StartAsync(AdminConsole.OperatorSettings(operatorEmail));
        var a = pair.App;
        var b = pair.AddInstance();
        var victimEmail = Emails.Unique("victim");
        using var onA = SessionsPage.ClientAs(a, SessionsPage.FirefoxOnWindows);
        var cookieFromA = await onA.RegisterAndLoginAsync(victimEmail);
        using var onB = SessionsPage.ClientAs(b, SessionsPage.ChromeOnAndroid);
        var cookieFromB = AppClient.SessionCookieValue(await onB.LoginAsync(victimEmail))!;
        var grant = await TokenClient.ReadPairAsync(await b.CreateApiClient().RequestTokenAsync(victimEmail));
        var victimId = (await AccountsDb.UserAsync(a, victimEmail)).Id;
        using var operatorClient = a.CreateAppClient();
        await AdminConsole.RegisterOperatorAsync(pair.App, operatorClient, operatorEmail);
        var operatorId = (await AccountsDb.UserAsync(a, operatorEmail)).Id;
        using var operatorOnB = b.CreateClientCarrying(AppClient.SessionCookieValue(await operatorClient.LoginAsync(operatorEmail))!);

        var listed = Assert.Single(AdminConsole.UserRows(await AppClient.BodyAsync(await operatorClient.GetAsync($"{AdminConsole.UsersPath}?q={victimEmail}"))));
        var before = await AppClient.BodyAsync(await operatorOnB.GetAsync(AdminConsole.UserPath(victimId)));
        var after = await AdminConsole.SubmitAndFollowAsync(operatorClient, victimId, "admin-end-sessions");

        Assert.Contains("data-testid=\"user-live\">3<", listed, StringComparison.Ordinal);
        Assert.DoesNotContain("none recorded", listed, StringComparison.Ordinal);
        Assert.Equal(3, SessionsPage.Rows(before).Count);
        Assert.Contains(SessionsPage.Rows(before), row => row.Html.Contains("API client", StringComparison.Ordinal));
        Assert.DoesNotContain(SessionsPage.Rows(before), row => row.IsCurrent);
        Assert.Equal("Signed out everywhere: 3 sessions and API clients ended.", AdminConsole.Confirmation(after));
        Assert.Empty(SessionsPage.Rows(after));
        // Each browser's cookie on the other instance as well as its own: the record is gone from the shared Redis.
        using var aOnB = b.CreateClientCarrying(cookieFromA);
        using var bOnA = a.CreateClientCarrying(cookieFromB);
        Assert.StartsWith("/Account/Login", (await aOnB.GetAsync("/Dashboard")).Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.StartsWith("/Account/Login", (await bOnA.GetAsync("/Dashboard")).Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.StartsWith("/Account/Login", (await onA.GetAsync("/Dashboard")).Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.StartsWith("/Account/Login", (await onB.GetAsync("/Dashboard")).Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await a.CreateApiClient().RefreshAsync(grant.RefreshToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await operatorOnB.GetAsync(AdminConsole.UsersPath)).StatusCode);

        using var again = a.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await again.LoginAsync(victimEmail)).StatusCode);
        var own = await SessionsPage.HtmlAsync(again);
        Assert.Contains("SignedOutEverywhereByAdministrator", SessionsPage.ActivityKinds(own));
        Assert.Contains("Signed out everywhere by an administrator", own, StringComparison.Ordinal);
        Assert.Contains("3 sessions and API clients ended", own, StringComparison.Ordinal);
        var logged = Assert.Single(a.Logs.Entries, e => e.EventId.Id == EndedEvent);
        Assert.Contains(operatorId, logged.Message, StringComparison.Ordinal);
        Assert.Contains(victimId, logged.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(a.Logs.Entries.Concat(b.Logs.Entries), e => e.Message.Contains(victimEmail, StringComparison.OrdinalIgnoreCase)
            || e.Message.Contains(operatorEmail, StringComparison.OrdinalIgnoreCase));
        Assert.Empty(a.Logs.UnhandledExceptions);
        Assert.Empty(b.Logs.UnhandledExceptions);
    }

    [Theory]
    [InlineData(AccountsProvider.Sqlite)]
    [InlineData(AccountsProvider.Postgres)]
    public async Task ALockEndsEverythingAndRefusesFormAndApiSignInUntilUnlockedAndTheUserSeesBoth(AccountsProvider provider)
    {
        var operatorEmail = Emails.Unique("ops");
        await using var pair = await RedisAppPair.StartAsync(AdminConsole.OperatorSettings(operatorEmail), accounts: provider);
        var victimEmail = Emails.Unique("victim");
        using var victim = pair.App.CreateAppClient();
        await victim.RegisterAndLoginAsync(victimEmail);
        var api = pair.App.CreateApiClient();
        var grant = await TokenClient.ReadPairAsync(await api.RequestTokenAsync(victimEmail));
        var victimId = (await AccountsDb.UserAsync(pair.App, victimEmail)).Id;
        using var operatorClient = pair.App.CreateAppClient();
        await AdminConsole.RegisterOperatorAsync(pair.App, operatorClient, operatorEmail);
        var operatorId = (await AccountsDb.UserAsync(pair.App, operatorEmail)).Id;

        var locked = await AdminConsole.SubmitAndFollowAsync(operatorClient, victimId, "admin-lock");

        Assert.Equal("Locked: 2 sessions and API clients ended.", AdminConsole.Confirmation(locked));
        Assert.Contains("data-testid=\"user-lock\">Locked by an administrator<", locked, StringComparison.Ordinal);
        Assert.StartsWith("/Account/Login", (await victim.GetAsync("/Dashboard")).Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.RefreshAsync(grant.RefreshToken)).StatusCode);
        var formSignIn = await victim.LoginAsync(victimEmail);
        Assert.Equal(HttpStatusCode.OK, formSignIn.StatusCode);
        Assert.Contains(CredentialInput.InvalidCredentials, await AppClient.BodyAsync(formSignIn), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.RequestTokenAsync(victimEmail)).StatusCode);
        Assert.Contains("data-testid=\"user-lock\">Locked by an administrator<",
            Assert.Single(AdminConsole.UserRows(await AppClient.BodyAsync(await operatorClient.GetAsync($"{AdminConsole.UsersPath}?q={victimEmail}")))),
            StringComparison.Ordinal);

        var unlocked = await AdminConsole.SubmitAndFollowAsync(operatorClient, victimId, "admin-unlock");

        Assert.Equal("Unlocked: the account can sign in again.", AdminConsole.Confirmation(unlocked));
        Assert.Contains("data-testid=\"user-lock\">No<", unlocked, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await api.RequestTokenAsync(victimEmail)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await victim.LoginAsync(victimEmail)).StatusCode);
        var own = await SessionsPage.HtmlAsync(victim);
        var kinds = SessionsPage.ActivityKinds(own).ToList();
        Assert.True(kinds.IndexOf("UnlockedByAdministrator") < kinds.IndexOf("LockedByAdministrator") && kinds.IndexOf("UnlockedByAdministrator") >= 0,
            $"Activity kinds: {string.Join(", ", kinds)}");
        Assert.Contains("Locked by an administrator", own, StringComparison.Ordinal);
        Assert.Contains("Unlocked by an administrator", own, StringComparison.Ordinal);
        Assert.Contains(pair.App.Logs.Entries, e => e.EventId.Id == LockedEvent && e.Message.Contains(operatorId, StringComparison.Ordinal) && e.Message.Contains(victimId, StringComparison.Ordinal));
        Assert.Contains(pair.App.Logs.Entries, e => e.EventId.Id == UnlockedEvent && e.Message.Contains(operatorId, StringComparison.Ordinal));
        Assert.Empty(pair.App.Logs.UnhandledExceptions);
    }

    [Fact]
    public async Task UnlockLiftsALockoutFromWrongPasswordsThatTheListShows()
    {
        var operatorEmail = Emails.Unique("ops");
        await using var pair = await RedisAppPair.StartAsync(AdminConsole.OperatorSettings(operatorEmail));
        var victimEmail = Emails.Unique("guessed");
        using var victim = pair.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await victim.RegisterAsync(victimEmail)).StatusCode);
        for (var guess = 1; guess <= 5; guess++)
        {
            await victim.LoginAsync(victimEmail, $"wrong guess number {guess}");
        }

        var victimId = (await AccountsDb.UserAsync(pair.App, victimEmail)).Id;
        using var operatorClient = pair.App.CreateAppClient();
        await AdminConsole.RegisterOperatorAsync(pair.App, operatorClient, operatorEmail);
        var row = Assert.Single(AdminConsole.UserRows(await AppClient.BodyAsync(await operatorClient.GetAsync($"{AdminConsole.UsersPath}?q={victimEmail}"))));

        await AdminConsole.SubmitAndFollowAsync(operatorClient, victimId, "admin-unlock");

        Assert.Contains("data-testid=\"user-lock\">Locked out after wrong passwords<", row, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await victim.LoginAsync(victimEmail)).StatusCode);
    }

    [Fact]
    public async Task AnOperatorCannotLockTheirOwnAccount()
    {
        var operatorEmail = Emails.Unique("ops");
        await using var pair = await RedisAppPair.StartAsync(AdminConsole.OperatorSettings(operatorEmail));
        using var operatorClient = pair.App.CreateAppClient();
        await AdminConsole.RegisterOperatorAsync(pair.App, operatorClient, operatorEmail);
        var operatorId = (await AccountsDb.UserAsync(pair.App, operatorEmail)).Id;
        var own = await AppClient.BodyAsync(await operatorClient.GetAsync(AdminConsole.UserPath(operatorId)));

        var response = await operatorClient.SubmitAsync(AdminConsole.UserPath(operatorId), [], postPath: $"{AdminConsole.UserPath(operatorId)}?handler=Lock");

        Assert.Null(AdminConsole.FormAction(own, "admin-lock"));
        Assert.NotNull(AdminConsole.FormAction(own, "admin-end-sessions"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("You cannot lock your own account", await AppClient.BodyAsync(response), StringComparison.Ordinal);
        Assert.Null((await AccountsDb.UserAsync(pair.App, operatorEmail)).LockoutEnd);
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetAsync(AdminConsole.UsersPath)).StatusCode);
    }

    [Fact]
    public async Task AnOperatorMailsTheUserAResetLinkThatResetsThePasswordAndTheUserSeesWhoSentIt()
    {
        var operatorEmail = Emails.Unique("ops");
        // Mailed links start at App:PublicUrl, as in production.
        await using var pair = await RedisAppPair.StartAsync(AdminConsole.OperatorSettings(operatorEmail, new() { ["App:PublicUrl"] = TestSmtpServer.PublicUrl }));
        var victimEmail = Emails.Unique("stolen");
        using var victim = pair.App.CreateAppClient();
        await victim.RegisterAndLoginAsync(victimEmail);
        var victimId = (await AccountsDb.UserAsync(pair.App, victimEmail)).Id;
        using var operatorClient = pair.App.CreateAppClient();
        await AdminConsole.RegisterOperatorAsync(pair.App, operatorClient, operatorEmail);

        var page = await AdminConsole.SubmitAndFollowAsync(operatorClient, victimId, "admin-password-reset");
        var mail = (await MailPickup.WaitForMessagesAsync(pair.App.MailPickupDirectory, 1,
            m => TestSmtpServer.SentTo(m, victimEmail) && m.Subject == "Reset your password"))[0];
        using var owner = pair.App.CreateAppClient();
        var reset = await owner.SubmitPageFormAsync(MailedLinks.Find(mail, AppRoutes.ResetPassword).PathAndQuery,
            new("Input.Password", "a fresh passphrase from the owner"), new("Input.ConfirmPassword", "a fresh passphrase from the owner"));

        Assert.Contains(UserModel.ResetSent, System.Net.WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await victim.GetAsync("/Dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await owner.LoginAsync(victimEmail, "a fresh passphrase from the owner")).StatusCode);
        Assert.Contains(ActivityKind.PasswordResetSentByAdministrator, await AccountsDb.ActivityKindsAsync(pair.App, victimId));
        Assert.Contains(pair.App.Logs.Entries, e => e.EventId.Id == 6006 && e.Message.Contains(victimId, StringComparison.Ordinal));
        Assert.DoesNotContain(pair.App.Logs.Entries, e => e.Message.Contains(victimEmail, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("admin-end-sessions")]
    [InlineData("admin-lock")]
    [InlineData("admin-unlock")]
    [InlineData("admin-password-reset")]
    public async Task AFormPostedWithoutTheSessionsCsrfTokenIsA400AndChangesNothing(string testId)
    {
        var operatorEmail = Emails.Unique("ops");
        await using var pair = await RedisAppPair.StartAsync(AdminConsole.OperatorSettings(operatorEmail));
        var victimEmail = Emails.Unique("victim");
        using var victim = pair.App.CreateAppClient();
        await victim.RegisterAndLoginAsync(victimEmail);
        var victimId = (await AccountsDb.UserAsync(pair.App, victimEmail)).Id;
        using var operatorClient = pair.App.CreateAppClient();
        await AdminConsole.RegisterOperatorAsync(pair.App, operatorClient, operatorEmail);
        var action = AdminConsole.FormAction(await AppClient.BodyAsync(await operatorClient.GetAsync(AdminConsole.UserPath(victimId))), testId)!;

        var withoutToken = await operatorClient.Http.PostAsync(action, new FormUrlEncodedContent([]));
        var withAForgedOne = await operatorClient.Http.PostAsync(action, new FormUrlEncodedContent([new("__RequestVerificationToken", "forged")]));

        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, withAForgedOne.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await victim.GetAsync("/Dashboard")).StatusCode);
        Assert.Null((await AccountsDb.UserAsync(pair.App, victimEmail)).LockoutEnd);
        Assert.DoesNotContain(pair.App.Logs.Entries, e => e.EventId.Id is EndedEvent or LockedEvent or UnlockedEvent or 6006);
        Assert.DoesNotContain(await pair.App.OutboxAsync(), row => row.Kind == Web.Email.MailKinds.PasswordReset);
    }

    /// <summary>
    /// Restarting with another list moves the role at the holders' next validation: the old operator's session
    /// loses the console, the new one's gains it, and the database's role table follows the list.
    /// </summary>
    [Fact]
    public async Task TheRoleFollowsAdminEmailsAfterARestart()
    {
        var first = Emails.Unique("ops-first");
        var second = Emails.Unique("ops-second");
        var interval = new Dictionary<string, string?> { ["Sessions:ValidationInterval"] = "00:00:01" };
        await using var redis = await RedisServer.StartAsync();
        await using var database = TestDatabase.Sqlite("admin-restart");
        string firstCookie, secondCookie;
        await using (var before = new SessionAuthApplication(redis.ConnectionString, AdminConsole.OperatorSettings(first, interval), database: database))
        {
            using var one = before.CreateAppClient();
            firstCookie = await AdminConsole.RegisterOperatorAsync(before, one, first);
            using var two = before.CreateAppClient();
            secondCookie = await AdminConsole.RegisterOperatorAsync(before, two, second);
            Assert.Equal(HttpStatusCode.OK, (await one.GetAsync(AdminConsole.UsersPath)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await two.GetAsync(AdminConsole.UsersPath)).StatusCode);
            Assert.Equal([first], await HoldersAsync(before));
        }

        await using var after = new SessionAuthApplication(redis.ConnectionString, AdminConsole.OperatorSettings(second, interval), database: database);
        using var firstAfter = after.CreateClientCarrying(firstCookie);
        using var secondAfter = after.CreateClientCarrying(secondCookie);
        await Task.Delay(TimeSpan.FromMilliseconds(1300));

        var firstResponse = await firstAfter.GetAsync(AdminConsole.UsersPath);
        var secondResponse = await secondAfter.GetAsync(AdminConsole.UsersPath);

        Assert.Equal(HttpStatusCode.Forbidden, firstResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await firstAfter.GetAsync("/Dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, secondResponse.StatusCode);
        Assert.Equal([second], await HoldersAsync(after));
        Assert.Empty(after.Logs.UnhandledExceptions);
    }

    private static async Task<IReadOnlyList<string>> HoldersAsync(SessionAuthApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return [.. (await users.GetUsersInRoleAsync(OperatorRole.Name)).Select(u => u.Email!)];
    }
}
