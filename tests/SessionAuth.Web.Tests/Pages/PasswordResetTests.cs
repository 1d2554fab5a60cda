using Stopwatch = System.Diagnostics.Stopwatch;
using System.Net;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Pages.Account;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Pages;

/// <summary>
/// Forgot password and the reset link, end to end: the form, the mail over real SMTP (parsed with MimeKit), the link
/// on App:PublicUrl, the reset page, and everything a reset ends. Runs again on PostgreSQL (PasswordResetOnPostgresTests).
/// </summary>
public class PasswordResetTests(MailFlowFixture fixture) : IClassFixture<MailFlowFixture>
{
    private const string NewPassword = "a brand new passphrase for this account";

    [Fact]
    public async Task AResetByMailSetsThePasswordEndsEverySessionAndApiGrantAndSignsNobodyIn()
    {
        var email = Emails.Unique("reset");
        using var laptop = fixture.App.CreateAppClient();
        await laptop.RegisterAndLoginAsync(email);
        using var phone = fixture.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await phone.LoginAsync(email)).StatusCode);
        var api = fixture.App.CreateApiClient();
        var grant = await TokenClient.ReadPairAsync(await api.RequestTokenAsync(email));
        var userId = (await AccountsDb.UserAsync(fixture.App, email)).Id;
        using var browser = fixture.App.CreateAppClient();

        var asked = await browser.SubmitAsync(AppRoutes.ForgotPassword, [new("Input.Email", email)]);
        var mail = (await fixture.Smtp.WaitForMessagesAsync(1, m => TestSmtpServer.SentTo(m, email) && m.Subject == "Reset your password"))[0];
        var link = MailedLinks.Find(mail, AppRoutes.ResetPassword);
        var reset = await browser.SubmitPageFormAsync(link.PathAndQuery,
            new("Input.Password", NewPassword), new("Input.ConfirmPassword", NewPassword));

        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        Assert.Equal("Reset your password", mail.Subject);
        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        Assert.Equal("/Account/Login?Notice=password-reset", reset.Headers.Location?.OriginalString);
        Assert.Null(AppClient.SessionCookieValue(reset));
        // Every session and the API grant are gone: the store holds nothing, the cookies and refresh token fail.
        Assert.Equal(0, await AccountsDb.SessionCountAsync(fixture.App, userId));
        Assert.Equal(HttpStatusCode.Redirect, (await laptop.GetAsync("/Dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await phone.GetAsync("/Dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.RefreshAsync(grant.RefreshToken)).StatusCode);
        // The old password is dead, the new one works; the reset confirmed the address and left a notice and a row.
        using var later = fixture.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.OK, (await later.LoginAsync(email)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await later.LoginAsync(email, NewPassword)).StatusCode);
        Assert.True((await AccountsDb.FindUserByIdAsync(fixture.App, userId))!.EmailConfirmed);
        Assert.Contains(ActivityKind.PasswordReset, await AccountsDb.ActivityKindsAsync(fixture.App, userId));
        var notice = await fixture.Smtp.WaitForMessagesAsync(1, m => TestSmtpServer.SentTo(m, email) && m.Subject == "Your password was changed");
        Assert.All(MailedLinks.All(notice[0]), url => Assert.StartsWith(TestSmtpServer.PublicUrl + "/", url, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AResetLinkWorksOnce()
    {
        var email = Emails.Unique("once");
        var link = await ResetLinkAsync(email);
        using var first = fixture.App.CreateAppClient();
        using var second = fixture.App.CreateAppClient();
        // Both open the page while the link is live, as a double submit or a copied link would.
        var firstPage = MailedLinks.HiddenFields(await AppClient.BodyAsync(await first.GetAsync(link.PathAndQuery)));
        var secondPage = MailedLinks.HiddenFields(await AppClient.BodyAsync(await second.GetAsync(link.PathAndQuery)));

        var used = await first.Http.PostAsync(link.PathAndQuery, new FormUrlEncodedContent(
            firstPage.Concat([new("Input.Password", NewPassword), new("Input.ConfirmPassword", NewPassword)])));
        var again = await second.Http.PostAsync(link.PathAndQuery, new FormUrlEncodedContent(
            secondPage.Concat([new("Input.Password", "yet another passphrase here"), new("Input.ConfirmPassword", "yet another passphrase here")])));
        var reopened = await second.GetAsync(link.PathAndQuery);

        Assert.Equal(HttpStatusCode.Redirect, used.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("data-testid=\"link-dead\"", await AppClient.BodyAsync(again), StringComparison.Ordinal);
        Assert.Contains("data-testid=\"link-dead\"", await AppClient.BodyAsync(reopened), StringComparison.Ordinal);
        using var later = fixture.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await later.LoginAsync(email, NewPassword)).StatusCode);
    }

    [Fact]
    public async Task AWeakPasswordAndTheCurrentOneAreRefusedOnTheFormAndTheLinkStaysLive()
    {
        var email = Emails.Unique("weak");
        var link = await ResetLinkAsync(email);
        using var browser = fixture.App.CreateAppClient();

        var weak = await browser.SubmitPageFormAsync(link.PathAndQuery, new("Input.Password", "aaaaaaaaaaaa"), new("Input.ConfirmPassword", "aaaaaaaaaaaa"));
        var same = await browser.SubmitPageFormAsync(link.PathAndQuery,
            new("Input.Password", AppClient.Password), new("Input.ConfirmPassword", AppClient.Password));
        var differ = await browser.SubmitPageFormAsync(link.PathAndQuery, new("Input.Password", NewPassword), new("Input.ConfirmPassword", NewPassword + "x"));
        var good = await browser.SubmitPageFormAsync(link.PathAndQuery, new("Input.Password", NewPassword), new("Input.ConfirmPassword", NewPassword));

        Assert.Equal(HttpStatusCode.OK, weak.StatusCode);
        var weakHtml = WebUtility.HtmlDecode(await AppClient.BodyAsync(weak));
        Assert.Contains("data-testid=\"error-summary\"", weakHtml, StringComparison.Ordinal);
        Assert.Contains("Repeats like \"aaa\" are easy to guess.", weakHtml, StringComparison.Ordinal);
        Assert.Contains(ResetPasswordModel.SameAsCurrent, WebUtility.HtmlDecode(await AppClient.BodyAsync(same)), StringComparison.Ordinal);
        Assert.Contains("The two passwords differ.", WebUtility.HtmlDecode(await AppClient.BodyAsync(differ)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
    }

    [Fact]
    public async Task AResetLiftsALockoutFromWrongGuesses()
    {
        var email = Emails.Unique("locked");
        using var client = fixture.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await client.RegisterAsync(email)).StatusCode);
        for (var i = 0; i < 5; i++)
        {
            await client.LoginAsync(email, "not the password at all");
        }

        Assert.NotNull((await AccountsDb.UserAsync(fixture.App, email)).LockoutEnd);
        var link = await ResetLinkAsync(email, register: false);

        var reset = await client.SubmitPageFormAsync(link.PathAndQuery, new("Input.Password", NewPassword), new("Input.ConfirmPassword", NewPassword));

        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        var user = await AccountsDb.UserAsync(fixture.App, email);
        Assert.Null(user.LockoutEnd);
        Assert.Equal(0, user.AccessFailedCount);
        Assert.Equal(HttpStatusCode.Redirect, (await client.LoginAsync(email, NewPassword)).StatusCode);
    }

    [Fact]
    public async Task KnownAndUnknownAddressesGetTheSameAnswerInTheSameTimeAndOnlyAKnownOneGetsMail()
    {
        var known = Emails.Unique("known");
        using var client = fixture.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await client.RegisterAsync(known)).StatusCode);
        var unknown = Emails.Unique("unknown");
        var token = await client.GetAntiforgeryTokenAsync(AppRoutes.ForgotPassword);
        var knownTimes = new List<double>();
        var unknownTimes = new List<double>();
        HttpResponseMessage? knownAnswer = null, unknownAnswer = null;

        // Interleaved, so machine noise falls on both alike; four known requests stay under the per-recipient cap.
        for (var i = 0; i < 4; i++)
        {
            (knownAnswer, var knownMs) = await TimedPostAsync(client, token, known);
            (unknownAnswer, var unknownMs) = await TimedPostAsync(client, token, unknown);
            knownTimes.Add(knownMs);
            unknownTimes.Add(unknownMs);
        }

        Assert.Equal(knownAnswer!.StatusCode, unknownAnswer!.StatusCode);
        Assert.Equal(knownAnswer.Headers.Location, unknownAnswer.Headers.Location);
        Assert.Equal(await AppClient.BodyAsync(knownAnswer), await AppClient.BodyAsync(unknownAnswer));
        Assert.Equal(WithoutToken(await AppClient.BodyAsync(await client.GetAsync(knownAnswer.Headers.Location!.OriginalString))),
            WithoutToken(await AppClient.BodyAsync(await client.GetAsync(unknownAnswer.Headers.Location!.OriginalString))));
        // Both wait out the same floor: neither answers before it, and their medians lie close together.
        Assert.All(knownTimes.Concat(unknownTimes), ms => Assert.True(ms >= 290, $"answered after {ms:0} ms"));
        var (k, u) = (Median(knownTimes), Median(unknownTimes));
        Assert.True(Math.Abs(k - u) / Math.Min(k, u) < 0.25, $"medians: known {k:0} ms, unknown {u:0} ms");
        await fixture.Smtp.WaitForMessagesAsync(4, m => TestSmtpServer.SentTo(m, known) && m.Subject == "Reset your password");
        await Task.Delay(500);
        Assert.DoesNotContain(fixture.Smtp.Messages, m => TestSmtpServer.SentTo(m, unknown));
    }

    /// <summary>
    /// Someone registers the owner's address (unconfirmed) and adds a passkey and an authenticator; the owner resets
    /// the password from the mail. Once the address is confirmed, a reset leaves the owner's own factors alone.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AResetThatFirstProvesTheAddressRemovesThePasskeysAddedBeforeAndKeepsTwoFactor(bool confirmedBefore)
    {
        var email = Emails.Unique("taken-over");
        using var registrant = fixture.App.CreateAppClient();
        await registrant.RegisterAndLoginAsync(email);
        if (confirmedBefore)
        {
            await AdminConsole.ConfirmAddressAsync(fixture.App, email);
        }

        await SignInFactors.AddAllAsync(fixture.App, email);
        var before = await SignInFactors.ReadAsync(fixture.App, email);
        var link = await ResetLinkAsync(email, register: false);
        using var owner = fixture.App.CreateAppClient();

        var reset = await owner.SubmitPageFormAsync(link.PathAndQuery, new("Input.Password", NewPassword), new("Input.ConfirmPassword", NewPassword));

        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        var after = await SignInFactors.ReadAsync(fixture.App, email);
        var kinds = await AccountsDb.ActivityKindsAsync(fixture.App, (await AccountsDb.UserAsync(fixture.App, email)).Id);
        Assert.True(after.EmailConfirmed);
        if (confirmedBefore)
        {
            Assert.Equal(before, after);
            Assert.DoesNotContain(ActivityKind.UnconfirmedSignInFactorsRemoved, kinds);
        }
        else
        {
            Assert.True(before.Passkeys > 0);
            Assert.Equal(0, after.Passkeys);
            // Two-factor stays: it asks for the password the reset just changed, and the mailbox alone must not pass it.
            Assert.Equal(before with { Passkeys = 0, EmailConfirmed = true }, after);
            Assert.Contains(ActivityKind.UnconfirmedSignInFactorsRemoved, kinds);
        }
    }

    /// <summary>A user id is a GUID: anything else in a link (a NUL, which PostgreSQL refuses in text) is a dead link, never a query.</summary>
    [Theory]
    [InlineData(AppRoutes.ResetPassword, "%00")]
    [InlineData(AppRoutes.ResetPassword, "0f8fad5b-d9cb-469f-a165-70867728950e%00")]
    [InlineData(AppRoutes.ResetPassword, "not-a-user-id")]
    [InlineData(AppRoutes.ConfirmEmail, "%00")]
    [InlineData(AppRoutes.ConfirmEmailChange, "%00")]
    public async Task AMailedLinkWhoseUserIdIsNoGuidIsADeadLink(string path, string userId)
    {
        using var client = fixture.App.CreateAppClient();

        var response = await client.GetAsync($"{path}?userId={userId}&email=someone%40example.com&code=AAAA");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data-testid=\"link-dead\"", await AppClient.BodyAsync(response), StringComparison.Ordinal);
    }

    /// <summary>Registers (unless told not to) and asks for a reset; returns the mailed link.</summary>
    private async Task<Uri> ResetLinkAsync(string email, bool register = true)
    {
        using var client = fixture.App.CreateAppClient();
        if (register)
        {
            Assert.Equal(HttpStatusCode.Redirect, (await client.RegisterAsync(email)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Redirect, (await client.SubmitAsync(AppRoutes.ForgotPassword, [new("Input.Email", email)])).StatusCode);
        var mail = (await fixture.Smtp.WaitForMessagesAsync(1, m => TestSmtpServer.SentTo(m, email) && m.Subject == "Reset your password"))[0];
        return MailedLinks.Find(mail, AppRoutes.ResetPassword);
    }

    private static async Task<(HttpResponseMessage Response, double Milliseconds)> TimedPostAsync(AppClient client, string token, string email)
    {
        var timer = Stopwatch.StartNew();
        var response = await client.Http.PostAsync(AppRoutes.ForgotPassword, new FormUrlEncodedContent(
            [new("Input.Email", email), new("__RequestVerificationToken", token)]));
        await response.Content.ReadAsStringAsync();
        return (response, timer.Elapsed.TotalMilliseconds);
    }

    private static string WithoutToken(string html) =>
        System.Text.RegularExpressions.Regex.Replace(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"[^\"]+\"", "");

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}

/// <summary>The reset flow with the accounts in PostgreSQL.</summary>
public sealed class PasswordResetOnPostgresTests(PostgresMailFlowFixture fixture) : PasswordResetTests(fixture), IClassFixture<PostgresMailFlowFixture>;

/// <summary>A reset link expires after Accounts:PasswordResetLifetime (here 2 seconds).</summary>
public sealed class PasswordResetExpiryTests(PasswordResetExpiryTests.ShortLinkFixture fixture) : IClassFixture<PasswordResetExpiryTests.ShortLinkFixture>
{
    [Fact]
    public async Task AResetLinkOlderThanItsLifetimeNoLongerWorks()
    {
        var email = Emails.Unique("expire");
        using var client = fixture.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await client.RegisterAsync(email)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.SubmitAsync(AppRoutes.ForgotPassword, [new("Input.Email", email)])).StatusCode);
        var mail = (await fixture.Smtp.WaitForMessagesAsync(1, m => TestSmtpServer.SentTo(m, email) && m.Subject == "Reset your password"))[0];
        var link = MailedLinks.Find(mail, AppRoutes.ResetPassword);
        var live = MailedLinks.HiddenFields(await AppClient.BodyAsync(await client.GetAsync(link.PathAndQuery)));

        await Task.Delay(TimeSpan.FromSeconds(3));
        var late = await client.Http.PostAsync(link.PathAndQuery, new FormUrlEncodedContent(
            live.Concat([new("Input.Password", "a brand new passphrase for this account"), new("Input.ConfirmPassword", "a brand new passphrase for this account")])));

        Assert.Contains("Code", live.Select(f => f.Key));
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        Assert.Contains("data-testid=\"link-dead\"", await AppClient.BodyAsync(late), StringComparison.Ordinal);
        Assert.Contains("2 seconds", mail.TextBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await client.LoginAsync(email)).StatusCode);
    }

    public sealed class ShortLinkFixture : MailFlowFixture
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Accounts:PasswordResetLifetime"] = "00:00:02" };
    }
}
