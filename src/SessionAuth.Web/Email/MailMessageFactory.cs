using Microsoft.Extensions.Options;
using MimeKit;

namespace SessionAuth.Web.Email;

/// <summary>An outbox row as a MIME message: a text and an HTML part, From = Email:From, and a Message-Id made from the row's id.</summary>
internal sealed class MailMessageFactory(IOptions<EmailOptions> options)
{
    public MimeMessage Create(OutboxMessage row)
    {
        var from = MailboxAddress.Parse(string.IsNullOrWhiteSpace(options.Value.From) ? EmailOptions.DefaultFromForPickup : options.Value.From.Trim());
        var message = new MimeMessage
        {
            // The same id on every attempt: a receiving server that saw it already can drop a repeat.
            MessageId = $"{row.Id:N}@{Domain(from.Address)}",
            Date = new DateTimeOffset(DateTime.SpecifyKind(row.CreatedAt, DateTimeKind.Utc)),
            Subject = row.Subject,
            Body = new BodyBuilder { TextBody = row.TextBody, HtmlBody = row.HtmlBody }.ToMessageBody(),
        };
        message.From.Add(from);
        message.To.Add(MailboxAddress.Parse(row.Recipient));
        // Mail the app sends on its own: out-of-office replies and list software should not answer it.
        message.Headers.Add("Auto-Submitted", "auto-generated");
        return message;
    }

    private static string Domain(string address) => address[(address.LastIndexOf('@') + 1)..];
}
