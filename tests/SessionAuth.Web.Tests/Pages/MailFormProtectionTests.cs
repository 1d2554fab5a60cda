using System.Net;
using SessionAuth.Web.Hosting;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Pages;

/// <summary>
/// What the mail flows must not open: links built from a forged Host, codes in the logs, and an inbox flooded through
/// the forms (the per-address rate limit of the account forms, and the outbox's cap per recipient).
/// </summary>
public sealed class MailFormProtectionTests
{
    private const string NewPassword = "a brand new passphrase for this account";

    [Fact]
    public async Task AForgedHostOrForwardedHostNeverReachesAMailedLink()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var app = new SessionAuthApplication(null, smtp.Settings());
        var email = Emails.Unique("forged");
        using var client = app.CreateAppClient();
        client.Http.DefaultRequestHeaders.Host = "evil.example";
        client.Http.DefaultRequestHeaders.Add("X-Forwarded-Host", "evil.example");

        Assert.Equal(HttpStatusCode.Redirect, (await client.RegisterAsync(email)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.SubmitAsync(AppRoutes.ForgotPassword, [new("Input.Email", email)])).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.RegisterAsync(email)).StatusCode);
        var mails = await smtp.WaitForMessagesAsync(3, m => TestSmtpServer.SentTo(m, email));

        var links = mails.SelectMany(MailedLinks.All).ToList();
        Assert.Equal(3, mails.Select(m => m.Subject).Distinct().Count());
        Assert.NotEmpty(links);
        Assert.All(links, link => Assert.StartsWith(TestSmtpServer.PublicUrl + "/Account/", link, StringComparison.Ordinal));
        Assert.All(mails, m => Assert.DoesNotContain("evil.example", m.TextBody + m.HtmlBody, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task NoCodeAndNoLinkThatCarriesOneReachesALogLineAtAnyLevel()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var pair = await RedisAppPair.StartAsync(smtp.Settings(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace" }));
        var app = pair.App;
        var email = Emails.Unique("quiet");
        var newEmail = Emails.Unique("quiet-new");
        using var client = app.CreateAppClient();

        // Every flow that mails a code, each link followed (opened, then its form posted).
        await client.RegisterAndLoginAsync(email);
        var confirm = MailedLinks.Find(await MailAsync(smtp, email, "Confirm your email address"), AppRoutes.ConfirmEmail);
        Assert.Equal(HttpStatusCode.OK, (await client.SubmitPageFormAsync(confirm.PathAndQuery)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.SubmitAsync(AppRoutes.ChangeEmail, [new("Input.NewEmail", newEmail), new("Input.Password", AppClient.Password)])).StatusCode);
        var change = MailedLinks.Find(await MailAsync(smtp, newEmail, "Confirm your new email address"), AppRoutes.ConfirmEmailChange);
        Assert.Equal(HttpStatusCode.Redirect, (await client.SubmitPageFormAsync(change.PathAndQuery)).StatusCode);
        using var anonymous = app.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.SubmitAsync(AppRoutes.ForgotPassword, [new("Input.Email", newEmail)])).StatusCode);
        var reset = MailedLinks.Find(await MailAsync(smtp, newEmail, "Reset your password"), AppRoutes.ResetPassword);
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.SubmitPageFormAsync(reset.PathAndQuery,
            new("Input.Password", NewPassword), new("Input.ConfirmPassword", NewPassword))).StatusCode);
        // A dead link too: the refusal is logged, its code is not.
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(reset.PathAndQuery)).StatusCode);

        var logged = app.Logs.Entries.Select(e => $"{e.Category} {e.Message} {e.Exception}").ToList();
        foreach (var link in new[] { confirm, change, reset })
        {
            var code = MailedLinks.Query(link, "code");
            Assert.True(code.Length > 40, $"code {code}");
            Assert.DoesNotContain(logged, line => line.Contains(code, StringComparison.Ordinal) || line.Contains(code[..24], StringComparison.Ordinal));
            Assert.DoesNotContain(logged, line => line.Contains(link.PathAndQuery, StringComparison.Ordinal));
        }

        // Every level was captured, the refusals were logged, and the host's request lines (which print query strings) were not.
        Assert.Contains(app.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Debug);
        Assert.Contains(app.Logs.Entries, e => e.EventId.Id == 1021);
        Assert.DoesNotContain(app.Logs.Entries, e => e.Category == HostingExtensions.RequestLineCategory && e.Level < Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    [Fact]
    public async Task TheMailFormsCarryTheAccountFormsPerAddressRateLimit()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var pair = await RedisAppPair.StartAsync(smtp.Settings(new Dictionary<string, string?> { ["AccountEndpoints:PermitLimit"] = "2" }));
        using var client = pair.App.CreateAppClient();
        var email = Emails.Unique("flood");

        var forgot = new List<HttpStatusCode>();
        var resend = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            forgot.Add((await client.SubmitAsync(AppRoutes.ForgotPassword, [new("Input.Email", email)])).StatusCode);
            resend.Add((await client.SubmitAsync(AppRoutes.ResendConfirmation, [new("Input.Email", email)])).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Redirect, HttpStatusCode.Redirect, HttpStatusCode.TooManyRequests], forgot);
        Assert.Equal([HttpStatusCode.Redirect, HttpStatusCode.Redirect, HttpStatusCode.TooManyRequests], resend);
    }

    [Fact]
    public async Task AtMostTheCapOfMailsGoesToOneAddressPerHourWhateverTheRequests()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var pair = await RedisAppPair.StartAsync(smtp.Settings(new Dictionary<string, string?> { ["Email:MaxPerRecipientPerHour"] = "3" }));
        using var client = pair.App.CreateAppClient();
        var email = Emails.Unique("capped");
        Assert.Equal(HttpStatusCode.Redirect, (await client.RegisterAsync(email)).StatusCode);

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add(await client.SubmitAsync(AppRoutes.ForgotPassword, [new("Input.Email", email)]));
        }

        // The confirmation and two reset links make three; the requests over the cap hear the same answer.
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Redirect, a.StatusCode));
        Assert.Single(answers.Select(a => a.Headers.Location?.OriginalString).Distinct());
        await smtp.WaitForMessagesAsync(3, m => TestSmtpServer.SentTo(m, email));
        await Task.Delay(1000);
        Assert.Equal(3, smtp.Messages.Count(m => TestSmtpServer.SentTo(m, email)));
        Assert.Equal(2, smtp.Messages.Count(m => TestSmtpServer.SentTo(m, email) && m.Subject == "Reset your password"));
    }

    private static async Task<MimeKit.MimeMessage> MailAsync(TestSmtpServer smtp, string to, string subject) =>
        (await smtp.WaitForMessagesAsync(1, m => TestSmtpServer.SentTo(m, to) && m.Subject == subject))[^1];
}
