using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using SessionAuth.Web.Email;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Email;

/// <summary>Queued mail reaches a real SMTP server over TCP, or the pickup directory, and an outage loses nothing.</summary>
public sealed class MailDeliveryTests
{
    private static readonly Dictionary<string, string?> QuickRetries = new()
    {
        ["Email:RetryDelay"] = "00:00:00.200",
        ["Email:MaxRetryDelay"] = "00:00:00.500",
        ["Email:PollInterval"] = "00:00:00.100",
    };

    [Fact]
    public async Task QueuedMailArrivesOverSmtpWithTextAndHtmlPartsAMessageIdAndTheConfiguredFrom()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var app = new SessionAuthApplication(null, smtp.Settings(new Dictionary<string, string?> { ["App:PublicUrl"] = "https://sa.test" }));
        var to = Emails.Unique("delivery");
        var mail = AppMail.Message(to, marker: "m-1");

        var result = await app.QueueAsync(mail);
        var received = await smtp.WaitForMessageToAsync(to);

        Assert.Equal(MailQueueResult.Queued, result);
        Assert.Equal("no-reply@sa.test", Assert.Single(received.From.Mailboxes).Address);
        Assert.Equal(mail.Subject, received.Subject);
        Assert.Equal("multipart/alternative", received.Body!.ContentType.MimeType);
        Assert.Equal(mail.TextBody, received.TextBody!.TrimEnd());
        Assert.Equal(mail.HtmlBody, received.HtmlBody!.TrimEnd());
        var row = Assert.Single(await app.WaitForOutboxAsync(rows => rows.Single().SentAt is not null, TimeSpan.FromSeconds(5)));
        Assert.Equal($"{row.Id:N}@sa.test", received.MessageId);
        Assert.Equal(1, row.Attempts);
    }

    [Fact]
    public async Task WithoutAMailServerEachMessageIsAnEmlFileInThePickupDirectory()
    {
        await using var app = new SessionAuthApplication(null);
        var to = Emails.Unique("pickup");
        var mail = AppMail.Message(to);

        await app.QueueAsync(mail);
        var written = await MailPickup.WaitForMessagesAsync(app.MailPickupDirectory, 1);

        var message = Assert.Single(written);
        Assert.Equal(to, Assert.Single(message.To.Mailboxes).Address);
        Assert.Equal(mail.Subject, message.Subject);
        Assert.Equal(mail.HtmlBody, message.HtmlBody!.TrimEnd());
        Assert.Equal(mail.TextBody, message.TextBody!.TrimEnd());
        var row = Assert.Single(await app.OutboxAsync());
        Assert.True(File.Exists(Path.Combine(app.MailPickupDirectory, $"{row.Id:N}.eml")));
        Assert.Empty(Directory.EnumerateFiles(app.MailPickupDirectory, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task MailQueuedWhileTheMailServerIsDownWaitsAndArrivesExactlyOnceWhenItIsBack()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var app = new SessionAuthApplication(null, smtp.Settings(QuickRetries));
        _ = app.Server;
        await smtp.StopAsync();
        var recipients = Enumerable.Range(0, 3).Select(i => Emails.Unique($"outage{i}")).ToList();

        var clock = Stopwatch.StartNew();
        foreach (var to in recipients)
        {
            Assert.Equal(MailQueueResult.Queued, await app.QueueAsync(AppMail.Message(to)));
        }

        var queueTime = clock.Elapsed;
        // Every message has failed at least once against the stopped server, and none is given up.
        await app.WaitForOutboxAsync(rows => rows.Count == 3 && rows.All(r => r.Attempts >= 1), TimeSpan.FromSeconds(10));
        Assert.Empty(smtp.Messages);
        await smtp.StartAgainAsync();
        await smtp.WaitForMessagesAsync(3);
        await app.WaitForOutboxAsync(rows => rows.All(r => r.SentAt is not null), TimeSpan.FromSeconds(10));
        await Task.Delay(TimeSpan.FromSeconds(1)); // room for a duplicate to show up

        Assert.True(queueTime < TimeSpan.FromSeconds(2), $"Queueing three messages with the mail server down took {queueTime}.");
        Assert.Equal(recipients.Order(), smtp.Messages.Select(m => m.To.Mailboxes.Single().Address).Order());
        Assert.Equal(3, smtp.Messages.Select(m => m.MessageId).Distinct().Count());
        Assert.All(await app.OutboxAsync(), row => Assert.Null(row.FailedAt));
    }

    [Fact]
    public async Task FailuresAreRetriedWithDoublingCappedDelaysThenMarkedFailedAndLoggedAsAnError()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await smtp.StopAsync();
        await using var app = new SessionAuthApplication(null, smtp.Settings(new Dictionary<string, string?>
        {
            ["Email:RetryDelay"] = "00:00:00.200",
            ["Email:MaxRetryDelay"] = "00:00:00.400",
            ["Email:PollInterval"] = "00:00:00.050",
            ["Email:MaxAttempts"] = "4",
        }));

        var clock = Stopwatch.StartNew();
        await app.QueueAsync(AppMail.Message(Emails.Unique("retry")));
        var row = Assert.Single(await app.WaitForOutboxAsync(rows => rows.Single().FailedAt is not null, TimeSpan.FromSeconds(15)));

        Assert.Equal(4, row.Attempts);
        Assert.Null(row.SentAt);
        Assert.StartsWith("connection failed", row.LastError, StringComparison.Ordinal);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), $"Four attempts 0.2 + 0.4 + 0.4 s apart finished after {clock.Elapsed}.");
        var retries = app.Logs.Entries.Where(e => e.EventId.Id == 5013).ToList();
        Assert.Equal(3, retries.Count);
        Assert.All(retries, e => Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, e.Level));
        Assert.Equal(["00:00:00.2000000", "00:00:00.4000000", "00:00:00.4000000"], retries.Select(e => e.Message[(e.Message.LastIndexOf(' ') + 1)..]));
        var failed = Assert.Single(app.Logs.Entries, e => e.EventId.Id == 5014);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, failed.Level);
        Assert.Contains(row.Id.ToString(), failed.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 30)]
    [InlineData(2, 60)]
    [InlineData(3, 120)]
    [InlineData(7, 1920)]
    [InlineData(8, 3600)]
    [InlineData(60, 3600)]
    public void TheRetryDelayDoublesFromRetryDelayUpToMaxRetryDelay(int failedAttempts, int seconds)
    {
        var settings = new EmailOptions();

        var delay = OutboxSender<Microsoft.EntityFrameworkCore.DbContext>.RetryDelay(failedAttempts, settings);

        Assert.Equal(TimeSpan.FromSeconds(seconds), delay);
    }

    [Fact]
    public async Task SentAndFailedRowsAreDeletedAfterTheRetentionDaysAndNothingElseIs()
    {
        await using var app = new SessionAuthApplication(null, new Dictionary<string, string?> { ["Email:RetentionDays"] = "7" });
        var now = DateTime.UtcNow;
        var oldSent = AppMail.Row(Emails.Unique(), now.AddDays(-9));
        oldSent.SentAt = now.AddDays(-8);
        var oldFailed = AppMail.Row(Emails.Unique(), now.AddDays(-9));
        oldFailed.FailedAt = now.AddDays(-8);
        var recentSent = AppMail.Row(Emails.Unique(), now.AddDays(-2));
        recentSent.SentAt = now.AddDays(-1);
        var oldButNeverSent = AppMail.Row(Emails.Unique(), now.AddDays(-30));
        await app.SeedAsync([oldSent, oldFailed, recentSent, oldButNeverSent]);

        var deleted = await app.Services.GetRequiredService<OutboxSender<SessionAuth.Web.Accounts.AccountsDbContext>>().PruneOnceAsync(CancellationToken.None);

        Assert.Equal(2, deleted);
        Assert.Equal(new[] { recentSent.Id, oldButNeverSent.Id }.Order(), (await app.OutboxAsync()).Select(r => r.Id).Order());
    }

    [Fact]
    public async Task MailQueuedInATransactionGoesOnlyWithTheCommitAndWakesTheSenderAtOnce()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        // Polling so slow that only the wake-up can deliver within the test's wait.
        await using var app = new SessionAuthApplication(null, smtp.Settings(new Dictionary<string, string?> { ["Email:PollInterval"] = "00:10:00" }));
        _ = app.Server;
        var rolledBack = Emails.Unique("rolled-back");
        var committed = Emails.Unique("committed");

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SessionAuth.Web.Accounts.AccountsDbContext>();
            var outbox = scope.ServiceProvider.GetRequiredService<IMailOutbox>();
            await using (var transaction = await db.Database.BeginTransactionAsync())
            {
                await outbox.QueueAsync(AppMail.Message(rolledBack), CancellationToken.None);
                await transaction.RollbackAsync();
            }

            db.ChangeTracker.Clear();
            await using (var transaction = await db.Database.BeginTransactionAsync())
            {
                await outbox.QueueAsync(AppMail.Message(committed), CancellationToken.None);
                await transaction.CommitAsync();
            }
        }

        await smtp.WaitForMessageToAsync(committed, TimeSpan.FromSeconds(5));

        var row = Assert.Single(await app.OutboxAsync());
        Assert.Equal(committed, row.Recipient);
        Assert.DoesNotContain(smtp.Messages, m => TestSmtpServer.SentTo(m, rolledBack));
    }

    [Fact]
    public void AMessageIdIsStableAcrossAttempts()
    {
        var row = AppMail.Row("someone@example.com", DateTime.UtcNow);
        var factory = new MailMessageFactory(Microsoft.Extensions.Options.Options.Create(new EmailOptions { From = TestSmtpServer.From }));

        MimeMessage first = factory.Create(row), second = factory.Create(row);

        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal("auto-generated", first.Headers["Auto-Submitted"]);
    }
}
