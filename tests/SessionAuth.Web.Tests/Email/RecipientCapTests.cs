using SessionAuth.Web.Email;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Email;

/// <summary>At most Email:MaxPerRecipientPerHour mails of the kinds a stranger can trigger go to one address per hour.</summary>
public sealed class RecipientCapTests
{
    [Fact]
    public async Task CappedKindsStopAtTheLimitPerAddressWhateverItsCaseWhileNoticesAndOtherAddressesGoOn()
    {
        await using var app = new SessionAuthApplication(null, new Dictionary<string, string?> { ["Email:MaxPerRecipientPerHour"] = "2" });
        var target = Emails.Unique("bombed");
        var other = Emails.Unique("other");

        var results = new List<MailQueueResult>
        {
            await app.QueueAsync(AppMail.Message(target, MailKinds.ConfirmEmail)),
            await app.QueueAsync(AppMail.Message(target.ToUpperInvariant(), MailKinds.PasswordReset)),
            await app.QueueAsync(AppMail.Message(target, MailKinds.RegistrationAttempt)),
            await app.QueueAsync(AppMail.Message(target, MailKinds.PasswordChanged)),
            await app.QueueAsync(AppMail.Message(other, MailKinds.PasswordReset)),
        };

        Assert.Equal(
            [MailQueueResult.Queued, MailQueueResult.Queued, MailQueueResult.RecipientCapReached, MailQueueResult.Queued, MailQueueResult.Queued],
            results);
        Assert.Equal(4, (await app.OutboxAsync()).Count);
        var warning = Assert.Single(app.Logs.Entries, e => e.EventId.Id == 5011);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains(MailKinds.RegistrationAttempt, warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(target.Split('@')[0], warning.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task MailsFromMoreThanAnHourAgoDoNotCount()
    {
        await using var app = new SessionAuthApplication(null, new Dictionary<string, string?> { ["Email:MaxPerRecipientPerHour"] = "2" });
        var target = Emails.Unique("earlier");
        var earlier = DateTime.UtcNow.AddMinutes(-61);
        await app.SeedAsync([AppMail.Row(target, earlier), AppMail.Row(target, earlier)]);

        var first = await app.QueueAsync(AppMail.Message(target, MailKinds.PasswordReset));
        var second = await app.QueueAsync(AppMail.Message(target, MailKinds.PasswordReset));
        var third = await app.QueueAsync(AppMail.Message(target, MailKinds.PasswordReset));

        Assert.Equal((MailQueueResult.Queued, MailQueueResult.Queued, MailQueueResult.RecipientCapReached), (first, second, third));
    }

    [Theory]
    [InlineData(MailKinds.ConfirmEmail, true)]
    [InlineData(MailKinds.RegistrationAttempt, true)]
    [InlineData(MailKinds.PasswordReset, true)]
    [InlineData(MailKinds.ChangeEmailConfirm, true)]
    [InlineData(MailKinds.ChangeEmailNotice, true)]
    [InlineData(MailKinds.PasswordChanged, false)]
    [InlineData(MailKinds.AccountDeleted, false)]
    public void OnlyKindsARequestCanRepeatAreCapped(string kind, bool capped) =>
        Assert.Equal(capped, MailKinds.IsCapped(kind));
}
