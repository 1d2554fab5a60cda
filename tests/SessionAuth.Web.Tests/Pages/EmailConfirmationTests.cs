using System.Net;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Pages;

/// <summary>
/// The confirmation link a registration mails, the page it opens, the dashboard's request for it, and what a
/// registration of a taken address mails its owner; over real SMTP, on SQLite and PostgreSQL.
/// </summary>
public class EmailConfirmationTests(MailFlowFixture fixture) : IClassFixture<MailFlowFixture>
{
    private const string ConfirmSubject = "Confirm your email address";

    [Fact]
    public async Task RegisteringMailsALinkWhosePageConfirmsOnlyWhenItsButtonIsPressedAndASecondUseIsHarmless()
    {
        var email = Emails.Unique("confirm");
        using var client = fixture.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await client.RegisterAsync(email)).StatusCode);
        var userId = (await AccountsDb.UserAsync(fixture.App, email)).Id;

        var mail = await ConfirmationMailAsync(email);
        var link = MailedLinks.Find(mail, AppRoutes.ConfirmEmail);
        using var scanner = fixture.App.CreateAppClient();
        var prefetched = await scanner.GetAsync(link.PathAndQuery);
        var prefetchedHtml = await AppClient.BodyAsync(prefetched);
        var confirmedBefore = (await AccountsDb.FindUserByIdAsync(fixture.App, userId))!.EmailConfirmed;
        var confirm = await client.SubmitPageFormAsync(link.PathAndQuery);
        // The scanner's copy of the form, posted after the owner's: a second use.
        var again = await scanner.Http.PostAsync(link.PathAndQuery, new FormUrlEncodedContent(MailedLinks.HiddenFields(prefetchedHtml)));
        var reopened = await scanner.GetAsync(link.PathAndQuery);

        Assert.Contains("confirm", link.AbsolutePath, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(userId, MailedLinks.Query(link, "userId"));
        Assert.Equal(HttpStatusCode.OK, prefetched.StatusCode);
        Assert.Contains("Confirm my address", prefetchedHtml, StringComparison.Ordinal);
        Assert.False(confirmedBefore);
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        Assert.Contains("data-testid=\"email-confirmed\"", await AppClient.BodyAsync(confirm), StringComparison.Ordinal);
        Assert.True((await AccountsDb.FindUserByIdAsync(fixture.App, userId))!.EmailConfirmed);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("data-testid=\"email-confirmed\"", await AppClient.BodyAsync(again), StringComparison.Ordinal);
        Assert.Contains("data-testid=\"email-confirmed\"", await AppClient.BodyAsync(reopened), StringComparison.Ordinal);
        Assert.Single(await AccountsDb.ActivityKindsAsync(fixture.App, userId), ActivityKind.EmailConfirmed);
    }

    [Fact]
    public async Task AConfirmationLinkSurvivesASignOutAndATamperedOneConfirmsNothing()
    {
        var email = Emails.Unique("tamper");
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(email);
        var link = MailedLinks.Find(await ConfirmationMailAsync(email), AppRoutes.ConfirmEmail);
        var code = MailedLinks.Query(link, "code");
        var otherUser = Guid.NewGuid().ToString();

        Assert.Equal(HttpStatusCode.Redirect, (await client.LogoutAsync()).StatusCode);
        var tampered = await client.GetAsync($"{AppRoutes.ConfirmEmail}?userId={MailedLinks.Query(link, "userId")}&code={code[..^4]}AAAA");
        var foreign = await client.GetAsync($"{AppRoutes.ConfirmEmail}?userId={otherUser}&code={code}");
        var garbage = await client.GetAsync($"{AppRoutes.ConfirmEmail}?userId=x&code=%FF%00");
        var live = await client.GetAsync(link.PathAndQuery);

        foreach (var dead in new[] { tampered, foreign, garbage })
        {
            Assert.Equal(HttpStatusCode.OK, dead.StatusCode);
            Assert.Contains("data-testid=\"link-dead\"", await AppClient.BodyAsync(dead), StringComparison.Ordinal);
        }

        // A sign-out rotates the security stamp; the link is bound to the address instead, and still works.
        Assert.Contains("Confirm my address", await AppClient.BodyAsync(live), StringComparison.Ordinal);
        Assert.False((await AccountsDb.FindUserByIdAsync(fixture.App, MailedLinks.Query(link, "userId")))!.EmailConfirmed);
    }

    [Fact]
    public async Task TheDashboardAsksForAConfirmationUntilTheAddressIsConfirmedAndItsButtonMailsANewLink()
    {
        var email = Emails.Unique("dash");
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(email);
        var first = await ConfirmationMailAsync(email);

        var dashboard = await AppClient.BodyAsync(await client.GetAsync(AppRoutes.Dashboard));
        var resend = await client.SubmitAsync(AppRoutes.Dashboard, [new("Input.Email", email)], postPath: AppRoutes.ResendConfirmation);
        var second = (await fixture.Smtp.WaitForMessagesAsync(2, m => TestSmtpServer.SentTo(m, email) && m.Subject == ConfirmSubject))[1];
        var confirmed = await client.SubmitPageFormAsync(MailedLinks.Find(second, AppRoutes.ConfirmEmail).PathAndQuery);
        var after = await AppClient.BodyAsync(await client.GetAsync(AppRoutes.Dashboard));

        Assert.Contains("data-testid=\"email-unconfirmed\"", dashboard, StringComparison.Ordinal);
        Assert.Contains("Send a new link", dashboard, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, resend.StatusCode);
        Assert.NotEqual(first.MessageId, second.MessageId);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        // Confirmed in this browser: its session now says so, and the dashboard stops asking.
        Assert.DoesNotContain("data-testid=\"email-unconfirmed\"", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegisteringATakenAddressMailsItsOwnerAResetLinkAndNoConfirmation()
    {
        var email = Emails.Unique("owner");
        using var owner = fixture.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await owner.RegisterAsync(email)).StatusCode);
        await ConfirmationMailAsync(email);
        using var stranger = fixture.App.CreateAppClient();

        var again = await stranger.RegisterAsync(email, "a stranger's own passphrase");
        var warning = (await fixture.Smtp.WaitForMessagesAsync(1, m => TestSmtpServer.SentTo(m, email) && m.Subject == "Someone tried to register with your address"))[0];
        var reset = await stranger.SubmitPageFormAsync(MailedLinks.Find(warning, AppRoutes.ResetPassword).PathAndQuery);

        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Null(AppClient.SessionCookieValue(again));
        // The reset link it carries is live (a submit without a password is a field error, not a dead link).
        Assert.Contains("Choose a new password.", await AppClient.BodyAsync(reset), StringComparison.Ordinal);
        await Task.Delay(300);
        Assert.Single(fixture.Smtp.Messages, m => TestSmtpServer.SentTo(m, email) && m.Subject == ConfirmSubject);
    }

    private async Task<MimeKit.MimeMessage> ConfirmationMailAsync(string email) =>
        (await fixture.Smtp.WaitForMessagesAsync(1, m => TestSmtpServer.SentTo(m, email) && m.Subject == ConfirmSubject))[0];
}

/// <summary>The confirmation flow with the accounts in PostgreSQL.</summary>
public sealed class EmailConfirmationOnPostgresTests(PostgresMailFlowFixture fixture) : EmailConfirmationTests(fixture), IClassFixture<PostgresMailFlowFixture>;
