using SessionAuth.Web.Email;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Email;

/// <summary>Mail is logged as id, kind and the recipient's fingerprint: no address, subject, body, link or code, at any level.</summary>
public sealed class MailLogTests
{
    [Fact]
    public async Task NoLogLineAtAnyLevelHoldsTheAddressTheLinkTheCodeOrTheText()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var app = new SessionAuthApplication(null, smtp.Settings(new Dictionary<string, string?>
        {
            ["App:PublicUrl"] = "https://sa.test",
            ["Logging:LogLevel:Default"] = "Trace",
            ["Email:RetryDelay"] = "00:00:00.100",
            ["Email:PollInterval"] = "00:00:00.050",
            ["Email:MaxPerRecipientPerHour"] = "1",
        }));
        var to = Emails.Unique("secretive");
        var code = "code" + Guid.NewGuid().ToString("N");
        var mail = AppMail.Message(to, MailKinds.PasswordReset, marker: code);
        _ = app.Server;
        await smtp.StopAsync();

        // Queued, refused by a stopped server (a retry), sent once it is back, and a second one over the cap.
        await app.QueueAsync(mail);
        await app.WaitForOutboxAsync(rows => rows.Single().Attempts >= 1, TimeSpan.FromSeconds(10));
        await smtp.StartAgainAsync();
        await smtp.WaitForMessageToAsync(to);
        await app.WaitForOutboxAsync(rows => rows.Single().SentAt is not null, TimeSpan.FromSeconds(10));
        Assert.Equal(MailQueueResult.RecipientCapReached, await app.QueueAsync(AppMail.Message(to, MailKinds.PasswordReset, marker: code)));

        var row = Assert.Single(await app.OutboxAsync());
        var logged = app.Logs.Entries.Select(e => e.Message + " " + e.Exception).ToList();
        Assert.Contains(logged, line => line.Contains(row.Id.ToString(), StringComparison.Ordinal) && line.Contains(MailKinds.PasswordReset, StringComparison.Ordinal));
        foreach (var secret in new[] { to, to.Split('@')[0], code, "https://sa.test/Account", mail.Subject, "to confirm" })
        {
            Assert.DoesNotContain(logged, line => line.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }

        Assert.Contains(app.Logs.Entries, e => e.EventId.Id == 5013); // the retry was logged
        Assert.Contains(app.Logs.Entries, e => e.EventId.Id == 5012); // and the delivery
        Assert.Contains(app.Logs.Entries, e => e.EventId.Id == 5011); // and the cap
        Assert.Contains(app.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Debug); // every level was captured
    }
}
