using System.Text.Encodings.Web;
using SessionAuth.Web.Email;

namespace SessionAuth.Web.Accounts.TwoFactor;

public enum TwoFactorChange
{
    Enabled,
    Disabled,
    RecoveryCodesRegenerated,
    RecoveryCodeUsed,
}

/// <summary>
/// The notice each two-factor change mails to the account's address, through the outbox (durable, retried). A
/// notice names no code and carries no link that signs in.
/// </summary>
public sealed class TwoFactorNotices(IMailOutbox outbox)
{
    public Task<MailQueueResult> SendAsync(string email, TwoFactorChange change, CancellationToken cancellationToken) =>
        outbox.QueueAsync(Compose(email, change), cancellationToken);

    internal static OutgoingMail Compose(string to, TwoFactorChange change)
    {
        var (kind, subject, body) = change switch
        {
            TwoFactorChange.Enabled => (MailKinds.TwoFactorEnabled, "Two-factor sign-in is on",
                "Two-factor sign-in with an authenticator app was just turned on for your SessionAuth account, and its other sessions and API clients were signed out."),
            TwoFactorChange.Disabled => (MailKinds.TwoFactorDisabled, "Two-factor sign-in is off",
                "Two-factor sign-in was just turned off for your SessionAuth account: a password alone signs in again. Its other sessions and API clients were signed out."),
            TwoFactorChange.RecoveryCodesRegenerated => (MailKinds.RecoveryCodesRegenerated, "New recovery codes",
                "New recovery codes were just made for your SessionAuth account; the old ones no longer work."),
            _ => (MailKinds.RecoveryCodeUsed, "A recovery code was used",
                "Someone just signed in to your SessionAuth account with one of its recovery codes. That code no longer works."),
        };
        const string NotYou = "If this was not you, sign in, change your password, and end the sessions you do not know on the sessions page.";
        var html = HtmlEncoder.Default;
        return new OutgoingMail(to, kind, subject, $"{body}\n\n{NotYou}\n", $"<p>{html.Encode(body)}</p>\n<p>{html.Encode(NotYou)}</p>\n");
    }
}
