using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Email;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>The app's outbox from a test: queue through <see cref="IMailOutbox"/> as a flow does, and read or seed the table.</summary>
internal static class AppMail
{
    /// <summary>A message whose every part carries <paramref name="marker"/>, so a test can find it, or find it leaked.</summary>
    public static OutgoingMail Message(string to, string kind = MailKinds.ConfirmEmail, string? marker = null)
    {
        marker ??= Guid.NewGuid().ToString("N");
        var link = $"https://sa.test/Account/ConfirmEmail?code={marker}";
        return new OutgoingMail(to, kind, $"Confirm your address {marker}", $"Open {link} to confirm.",
            $"<p><a href=\"{link}\">Confirm</a> {marker}</p>");
    }

    public static async Task<MailQueueResult> QueueAsync(this SessionAuthApplication app, OutgoingMail mail)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMailOutbox>().QueueAsync(mail, CancellationToken.None);
    }

    public static async Task<List<OutboxMessage>> OutboxAsync(this SessionAuthApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AccountsDbContext>().Set<OutboxMessage>().AsNoTracking().ToListAsync();
    }

    /// <summary>Rows written straight into the table (as another instance, or the past, would have left them).</summary>
    public static async Task SeedAsync(this SessionAuthApplication app, IEnumerable<OutboxMessage> rows)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        db.Set<OutboxMessage>().AddRange(rows);
        await db.SaveChangesAsync();
    }

    public static OutboxMessage Row(string to, DateTime createdAt, string kind = MailKinds.ConfirmEmail) => new()
    {
        Id = Guid.NewGuid(),
        Recipient = to,
        RecipientKey = to.ToUpperInvariant(),
        Kind = kind,
        Subject = "Seeded",
        TextBody = "seeded",
        HtmlBody = "<p>seeded</p>",
        CreatedAt = createdAt,
        DueAt = createdAt,
    };

    /// <summary>Polls the table until <paramref name="done"/> holds, or fails the test after <paramref name="timeout"/>.</summary>
    public static async Task<List<OutboxMessage>> WaitForOutboxAsync(this SessionAuthApplication app, Func<List<OutboxMessage>, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var rows = await app.OutboxAsync();
            if (done(rows))
            {
                return rows;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"The outbox did not reach the expected state within {timeout}.");
            }

            await Task.Delay(50);
        }
    }
}
