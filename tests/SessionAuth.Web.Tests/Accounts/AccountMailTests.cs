using SessionAuth.Web.Accounts;
using SessionAuth.Web.Email;

namespace SessionAuth.Web.Tests.Accounts;

/// <summary>The words of the account mails: one set of paragraphs, as plain text and as HTML with every value encoded.</summary>
public sealed class AccountMailTests
{
    [Fact]
    public void AValueIsPlainInTheTextPartAndHtmlEncodedInTheHtmlPart()
    {
        const string hostile = "<script>alert('x')</script>&\"@example.com";

        var mail = AccountMail.ChangeEmailNotice("owner@example.com", hostile);

        Assert.Equal(MailKinds.ChangeEmailNotice, mail.Kind);
        Assert.Equal("owner@example.com", mail.To);
        Assert.Contains(hostile, mail.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains(hostile, System.Net.WebUtility.HtmlDecode(mail.HtmlBody), StringComparison.Ordinal);
    }

    [Fact]
    public void APasskeysNameIsQuotedPlainAndEncodedWithTheWayToRemoveIt()
    {
        var passkeys = new Uri("https://sa.test/Account/Passkeys");
        var forgot = new Uri("https://sa.test/Account/ForgotPassword");

        var mail = AccountMail.PasskeyAdded("owner@example.com", "<b>Laptop</b>", passkeys, forgot);

        Assert.Equal(MailKinds.PasskeyAdded, mail.Kind);
        Assert.Contains("“<b>Laptop</b>”", mail.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains(passkeys.AbsoluteUri, mail.TextBody, StringComparison.Ordinal);
        Assert.Contains(forgot.AbsoluteUri, mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void ALinkStandsInFullInTheTextAndAsAnHrefInTheHtml()
    {
        var link = new Uri("https://sa.test/Account/ResetPassword?userId=u1&code=abc-_123");

        var mail = AccountMail.PasswordReset("someone@example.com", link, TimeSpan.FromMinutes(30));

        Assert.Equal(MailKinds.PasswordReset, mail.Kind);
        Assert.Contains(link.AbsoluteUri, mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("30 minutes", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("href=\"https://sa.test/Account/ResetPassword?userId=u1&amp;code=abc-_123\"", mail.HtmlBody, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:30:00", "30 minutes")]
    [InlineData("01:00:00", "1 hour")]
    [InlineData("3.00:00:00", "3 days")]
    [InlineData("00:00:02", "2 seconds")]
    [InlineData("01:30:00", "90 minutes")]
    public void ALifetimeReadsAsAPersonSaysIt(string lifetime, string words) =>
        Assert.Equal(words, AccountMail.Describe(TimeSpan.Parse(lifetime, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void EveryKindOfTheAccountFlowsHasItsWords()
    {
        var link = new Uri("https://sa.test/x");
        OutgoingMail[] mails =
        [
            AccountMail.ConfirmEmail("a@example.com", link, TimeSpan.FromDays(3)),
            AccountMail.RegistrationAttempt("a@example.com", link),
            AccountMail.PasswordReset("a@example.com", link, TimeSpan.FromMinutes(30)),
            AccountMail.PasswordChanged("a@example.com", link),
            AccountMail.ChangeEmailConfirm("b@example.com", link, TimeSpan.FromDays(3)),
            AccountMail.ChangeEmailNotice("a@example.com", "b@example.com"),
            AccountMail.AccountDeleted("a@example.com"),
            AccountMail.TwoFactorEnabled("a@example.com", link),
            AccountMail.TwoFactorDisabled("a@example.com", link),
            AccountMail.RecoveryCodesRegenerated("a@example.com", link),
            AccountMail.RecoveryCodeUsed("a@example.com", 9, link),
            AccountMail.PasskeyAdded("a@example.com", "Laptop", link, link),
        ];

        Assert.Equal(mails.Length, mails.Select(m => m.Kind).Distinct().Count());
        Assert.Equal(mails.Length, mails.Select(m => m.Subject).Distinct().Count());
        Assert.All(mails, m => Assert.False(string.IsNullOrWhiteSpace(m.TextBody) || string.IsNullOrWhiteSpace(m.HtmlBody)));
    }
}
