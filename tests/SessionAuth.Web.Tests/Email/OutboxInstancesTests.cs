using SessionAuth.Web.Accounts;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Email;

/// <summary>Several instances on one accounts database share the outbox through leases: each message goes out once.</summary>
public sealed class OutboxInstancesTests
{
    [Theory]
    [InlineData(AccountsProvider.Sqlite)]
    [InlineData(AccountsProvider.Postgres)]
    public async Task TwoInstancesOnOneDatabaseSendEachMessageExactlyOnce(AccountsProvider provider)
    {
        const int count = 40;
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var database = await TestDatabase.CreateAsync(provider, "outbox");
        var settings = smtp.Settings(new Dictionary<string, string?> { ["Email:PollInterval"] = "00:00:00.050" });
        await using var first = new SessionAuthApplication(null, settings, database: database);
        await using var second = new SessionAuthApplication(null, settings, database: database);
        _ = first.Server;
        _ = second.Server;
        // All due at one moment, so both senders, polling, race for the same rows.
        var due = DateTime.UtcNow.AddSeconds(1);
        await first.SeedAsync(Enumerable.Range(0, count).Select(i => AppMail.Row(Emails.Unique($"twice{i}"), due)));

        await smtp.WaitForMessagesAsync(count, timeout: TimeSpan.FromSeconds(30));
        await first.WaitForOutboxAsync(rows => rows.All(r => r.SentAt is not null), TimeSpan.FromSeconds(10));
        await Task.Delay(TimeSpan.FromSeconds(1)); // room for a duplicate to show up

        Assert.Equal(count, smtp.Messages.Count);
        Assert.Equal(count, smtp.Messages.Select(m => m.MessageId).Distinct().Count());
        Assert.All(await first.OutboxAsync(), row => Assert.Equal(1, row.Attempts));
        var sentByEach = new[] { first, second }.Select(app => app.Logs.Entries.Count(e => e.EventId.Id == 5012)).ToList();
        Assert.Equal(count, sentByEach.Sum());
    }
}
