using System.Net;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Pages;

/// <summary>The owner's mailbox hears of every change to the account's credentials, whoever made it.</summary>
public sealed class SecurityNoticeTests(MailFlowFixture fixture) : IClassFixture<MailFlowFixture>
{
    [Fact]
    public async Task ChangingThePasswordMailsANoticeWithAResetLink()
    {
        var email = Emails.Unique("notice-change");
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(email);

        var changed = await AccountForms.ChangePasswordAsync(client, AppClient.Password, "another long passphrase for it");

        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        var notice = (await fixture.Smtp.WaitForMessagesAsync(1, m => TestSmtpServer.SentTo(m, email) && m.Subject == "Your password was changed"))[0];
        Assert.Equal(TestSmtpServer.PublicUrl + AppRoutes.ForgotPassword, MailedLinks.Find(notice, AppRoutes.ForgotPassword).AbsoluteUri);
        Assert.NotNull(notice.HtmlBody);
    }

    [Fact]
    public async Task DeletingTheAccountMailsANoticeToItsAddress()
    {
        var email = Emails.Unique("notice-delete");
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(email);

        var deleted = await client.SubmitAsync(AppRoutes.DeleteAccount, [new("Input.Password", AppClient.Password)]);

        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        var notice = (await fixture.Smtp.WaitForMessagesAsync(1, m => TestSmtpServer.SentTo(m, email) && m.Subject == "Your account was deleted"))[0];
        Assert.Contains("has been deleted", notice.TextBody, StringComparison.Ordinal);
        Assert.Empty(MailedLinks.All(notice));
    }
}
