using System.Net;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Pages.Account;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Pages;

/// <summary>Changing the address: a link to the new one, a notice to the old, and the change only when the link is used.</summary>
public class ChangeEmailTests(MailFlowFixture fixture) : IClassFixture<MailFlowFixture>
{
    private const string ConfirmSubject = "Confirm your new email address";
    private const string NoticeSubject = "A change of your email address was requested";

    [Fact]
    public async Task TheAddressChangesOnlyWhenTheMailedLinkIsUsedAndThenOtherSessionsEnd()
    {
        var oldEmail = Emails.Unique("old");
        var newEmail = Emails.Unique("new");
        using var laptop = fixture.App.CreateAppClient();
        await laptop.RegisterAndLoginAsync(oldEmail);
        using var phone = fixture.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await phone.LoginAsync(oldEmail)).StatusCode);
        var userId = (await AccountsDb.UserAsync(fixture.App, oldEmail)).Id;

        var asked = await ChangeAsync(laptop, newEmail);
        var link = MailedLinks.Find(await MailAsync(newEmail, ConfirmSubject), AppRoutes.ConfirmEmailChange);
        var notice = await MailAsync(oldEmail, NoticeSubject);
        using var pending = fixture.App.CreateAppClient();
        var oldStillWorks = await pending.LoginAsync(oldEmail);
        var newNotYet = await pending.LoginAsync(newEmail);
        using var mailbox = fixture.App.CreateAppClient();
        var confirmed = await mailbox.SubmitPageFormAsync(link.PathAndQuery);

        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        Assert.Contains(newEmail, notice.TextBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, oldStillWorks.StatusCode);
        Assert.Equal(HttpStatusCode.OK, newNotYet.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.Equal("/Account/Login?Notice=email-changed", confirmed.Headers.Location?.OriginalString);
        var user = (await AccountsDb.FindUserByIdAsync(fixture.App, userId))!;
        Assert.Equal(newEmail, user.Email);
        Assert.Equal(newEmail, user.UserName);
        Assert.True(user.EmailConfirmed);
        // Opened in a browser that was not the owner's: every session of the account ended.
        Assert.Equal(0, await AccountsDb.SessionCountAsync(fixture.App, userId));
        Assert.Equal(HttpStatusCode.Redirect, (await laptop.GetAsync(AppRoutes.Dashboard)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await phone.GetAsync(AppRoutes.Dashboard)).StatusCode);
        using var later = fixture.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.OK, (await later.LoginAsync(oldEmail)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await later.LoginAsync(newEmail)).StatusCode);
        var kinds = await AccountsDb.ActivityKindsAsync(fixture.App, userId);
        Assert.Contains(ActivityKind.EmailChangeRequested, kinds);
        Assert.Contains(ActivityKind.EmailChanged, kinds);
        // Used once: the change it made ends it.
        Assert.Contains("data-testid=\"link-dead\"", await AppClient.BodyAsync(await mailbox.GetAsync(link.PathAndQuery)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenedInTheOwnersBrowserTheLinkGivesItAFreshSessionWithTheNewAddressAndEndsTheOthers()
    {
        var oldEmail = Emails.Unique("own-old");
        var newEmail = Emails.Unique("own-new");
        using var laptop = fixture.App.CreateAppClient();
        var before = await laptop.RegisterAndLoginAsync(oldEmail);
        using var phone = fixture.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await phone.LoginAsync(oldEmail)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await ChangeAsync(laptop, newEmail)).StatusCode);
        var link = MailedLinks.Find(await MailAsync(newEmail, ConfirmSubject), AppRoutes.ConfirmEmailChange);

        var confirmed = await laptop.SubmitPageFormAsync(link.PathAndQuery);

        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.StartsWith(AppRoutes.ChangeEmail, confirmed.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.NotEqual(before, AppClient.SessionCookieValue(confirmed));
        Assert.Contains(newEmail, await AppClient.BodyAsync(await laptop.GetAsync(AppRoutes.Dashboard)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await phone.GetAsync(AppRoutes.Dashboard)).StatusCode);
        Assert.Equal(1, await AccountsDb.SessionCountAsync(fixture.App, (await AccountsDb.UserAsync(fixture.App, newEmail)).Id));
    }

    [Fact]
    public async Task ATakenAddressGetsTheSameAnswerNoLinkAndNoChange()
    {
        var email = Emails.Unique("mine");
        var taken = Emails.Unique("theirs");
        var free = Emails.Unique("free");
        using var other = fixture.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await other.RegisterAsync(taken)).StatusCode);
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(email);

        var toTaken = await ChangeAsync(client, taken);
        var toFree = await ChangeAsync(client, free);

        Assert.Equal(HttpStatusCode.Redirect, toTaken.StatusCode);
        // The same page and notice; only the address typed differs, shown back as typed.
        Assert.Equal(WithoutAddress(toFree), WithoutAddress(toTaken));
        await MailAsync(free, ConfirmSubject);
        Assert.Equal(2, (await fixture.Smtp.WaitForMessagesAsync(2, m => TestSmtpServer.SentTo(m, email) && m.Subject == NoticeSubject)).Count);
        await Task.Delay(300);
        Assert.DoesNotContain(fixture.Smtp.Messages, m => TestSmtpServer.SentTo(m, taken) && m.Subject == ConfirmSubject);
        Assert.Equal(email, (await AccountsDb.FindUserByIdAsync(fixture.App, (await AccountsDb.UserAsync(fixture.App, email)).Id))!.Email);
    }

    [Fact]
    public async Task AWrongPasswordOrTheSameAddressChangesNothingAndSendsNothing()
    {
        var email = Emails.Unique("guard");
        var target = Emails.Unique("target");
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(email);

        var wrong = await ChangeAsync(client, target, "not the password at all");
        var failuresCounted = (await AccountsDb.UserAsync(fixture.App, email)).AccessFailedCount;
        var same = await ChangeAsync(client, email.ToUpperInvariant());

        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains(ChangeEmailModel.WrongPassword, WebUtility.HtmlDecode(await AppClient.BodyAsync(wrong)), StringComparison.Ordinal);
        Assert.Equal(1, failuresCounted);
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Contains(ChangeEmailModel.SameAddress, WebUtility.HtmlDecode(await AppClient.BodyAsync(same)), StringComparison.Ordinal);
        await Task.Delay(300);
        Assert.DoesNotContain(fixture.Smtp.Messages, m => TestSmtpServer.SentTo(m, target));
        Assert.DoesNotContain(fixture.Smtp.Messages, m => TestSmtpServer.SentTo(m, email) && m.Subject == NoticeSubject);
    }

    private static string WithoutAddress(HttpResponseMessage response) =>
        System.Text.RegularExpressions.Regex.Replace(response.Headers.Location!.OriginalString, "Requested=[^&]*", "Requested=X");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AChangeLinkDiesWhenThePasswordIsChangedOrReset(bool reset)
    {
        const string newPassword = "the owner's fresh passphrase";
        using var owner = fixture.App.CreateAppClient();
        using var mailbox = fixture.App.CreateAppClient();
        var pending = await RequestChangeAsync(owner, mailbox);
        if (reset)
        {
            await ResetPasswordAsync(pending.Email, newPassword);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Redirect, (await AccountForms.ChangePasswordAsync(owner, AppClient.Password, newPassword)).StatusCode);
        }

        var (opened, posted) = await OpenAndPostAsync(mailbox, pending);

        await AssertRefusedAsync(opened, posted);
        Assert.Equal(pending.Email, (await AccountsDb.FindUserByIdAsync(fixture.App, pending.UserId))!.Email);
        Assert.DoesNotContain(ActivityKind.EmailChanged, await AccountsDb.ActivityKindsAsync(fixture.App, pending.UserId));
    }

    [Fact]
    public async Task AChangeLinkIsRefusedWhileAnOperatorHasTheAccountLocked()
    {
        using var owner = fixture.App.CreateAppClient();
        using var mailbox = fixture.App.CreateAppClient();
        var pending = await RequestChangeAsync(owner, mailbox);
        Assert.True((await Accounts.AccountLockTests.WithLocksAsync(fixture.App, pending.Email, (locks, user) => locks.LockByOperatorAsync(user))).Succeeded);

        var (opened, posted) = await OpenAndPostAsync(mailbox, pending);

        await AssertRefusedAsync(opened, posted);
        Assert.Equal(pending.Email, (await AccountsDb.FindUserByIdAsync(fixture.App, pending.UserId))!.Email);
    }

    [Fact]
    public async Task AChangeLinkSurvivesASignOut()
    {
        using var owner = fixture.App.CreateAppClient();
        using var mailbox = fixture.App.CreateAppClient();
        var pending = await RequestChangeAsync(owner, mailbox);
        Assert.Equal(HttpStatusCode.Redirect, (await owner.LogoutAsync()).StatusCode);

        var confirmed = await mailbox.SubmitPageFormAsync(pending.Link.PathAndQuery);

        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.Equal(pending.NewEmail, (await AccountsDb.FindUserByIdAsync(fixture.App, pending.UserId))!.Email);
    }

    private sealed record PendingChange(string Email, string NewEmail, string UserId, Uri Link, List<KeyValuePair<string, string>> LiveForm);

    /// <summary>The owner registers and asks for a change; the new mailbox opens the link while it is live and keeps its form.</summary>
    private async Task<PendingChange> RequestChangeAsync(AppClient owner, AppClient mailbox)
    {
        var email = Emails.Unique("was");
        var newEmail = Emails.Unique("next");
        await owner.RegisterAndLoginAsync(email);
        Assert.Equal(HttpStatusCode.Redirect, (await ChangeAsync(owner, newEmail)).StatusCode);
        var link = MailedLinks.Find(await MailAsync(newEmail, ConfirmSubject), AppRoutes.ConfirmEmailChange);
        var liveForm = MailedLinks.HiddenFields(await AppClient.BodyAsync(await mailbox.GetAsync(link.PathAndQuery)));
        Assert.Contains(liveForm, f => f.Key == "Code");
        return new(email, newEmail, (await AccountsDb.UserAsync(fixture.App, email)).Id, link, liveForm);
    }

    /// <summary>Opens the link again, and posts the form it showed while live (as a tab left open would).</summary>
    private static async Task<(HttpResponseMessage Opened, HttpResponseMessage Posted)> OpenAndPostAsync(AppClient mailbox, PendingChange pending) =>
        (await mailbox.GetAsync(pending.Link.PathAndQuery),
            await mailbox.Http.PostAsync(pending.Link.PathAndQuery, new FormUrlEncodedContent(pending.LiveForm)));

    private static async Task AssertRefusedAsync(HttpResponseMessage opened, HttpResponseMessage posted)
    {
        Assert.Contains("data-testid=\"link-dead\"", await AppClient.BodyAsync(opened), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Contains("data-testid=\"link-dead\"", await AppClient.BodyAsync(posted), StringComparison.Ordinal);
    }

    /// <summary>Resets the password through the mailed link, as the owner who forgot it would.</summary>
    private async Task ResetPasswordAsync(string email, string newPassword)
    {
        using var browser = fixture.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SubmitAsync(AppRoutes.ForgotPassword, [new("Input.Email", email)])).StatusCode);
        var link = MailedLinks.Find(await MailAsync(email, "Reset your password"), AppRoutes.ResetPassword);
        var reset = await browser.SubmitPageFormAsync(link.PathAndQuery, new("Input.Password", newPassword), new("Input.ConfirmPassword", newPassword));
        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
    }

    private static Task<HttpResponseMessage> ChangeAsync(AppClient client, string newEmail, string password = AppClient.Password) =>
        client.SubmitAsync(AppRoutes.ChangeEmail, [new("Input.NewEmail", newEmail), new("Input.Password", password)]);

    private async Task<MimeKit.MimeMessage> MailAsync(string to, string subject) =>
        (await fixture.Smtp.WaitForMessagesAsync(1, m => TestSmtpServer.SentTo(m, to) && m.Subject == subject))[^1];
}
