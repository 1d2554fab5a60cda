using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using SessionAuth.Web.Email;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// The words of every mail the account flows send, each as plain text and as HTML (every value HTML-encoded).
/// To add a kind: a constant in <see cref="MailKinds"/>, and a method here that calls
/// <see cref="Compose"/> with its paragraphs. Links are made by the caller from App:PublicUrl (<see cref="IPublicLinks"/>).
/// </summary>
public static class AccountMail
{
    private const string Product = "SessionAuth";

    private const string NotYou =
        "If this was not you, you can ignore this message: nothing changes unless the link is opened.";

    /// <summary>After a change only the password's holder could make: someone else knows it.</summary>
    private const string NotYouReset = "If this was not you, someone knows your password: reset it at once (that signs out every device).";

    public static OutgoingMail ConfirmEmail(string to, Uri link, TimeSpan lifetime) => Compose(to, MailKinds.ConfirmEmail,
        "Confirm your email address",
        Text("Please confirm that this is your email address for your " + Product + " account."),
        Link("Confirm my address", link),
        Text($"The link works for {Describe(lifetime)}. Opening it shows a page with a button; nothing happens until you press it."),
        Text(NotYou));

    public static OutgoingMail RegistrationAttempt(string to, Uri resetLink) => Compose(to, MailKinds.RegistrationAttempt,
        "Someone tried to register with your address",
        Text("Someone just tried to create a " + Product + " account with this email address, which already has one. No new account was made and yours is unchanged."),
        Text("If it was you, you already have an account: sign in. If you have forgotten your password, reset it here:"),
        Link("Reset my password", resetLink),
        Text("If it was not you, you can ignore this message."));

    public static OutgoingMail PasswordReset(string to, Uri link, TimeSpan lifetime) => Compose(to, MailKinds.PasswordReset,
        "Reset your password",
        Text("Someone (we hope you) asked to reset the password of the " + Product + " account with this address."),
        Link("Choose a new password", link),
        Text($"The link works once, for {Describe(lifetime)}. Resetting the password signs out every device and API client of your account."),
        Text("If you did not ask for this, ignore this message: your password stays as it is."));

    public static OutgoingMail PasswordChanged(string to, Uri forgotPasswordLink) => Compose(to, MailKinds.PasswordChanged,
        "Your password was changed",
        Text("The password of your " + Product + " account was just changed, and its other sessions and API clients were signed out."),
        Text("If this was not you, reset your password at once:"),
        Link("Reset my password", forgotPasswordLink));

    public static OutgoingMail ChangeEmailConfirm(string to, Uri link, TimeSpan lifetime) => Compose(to, MailKinds.ChangeEmailConfirm,
        "Confirm your new email address",
        Text("Someone (we hope you) asked to move a " + Product + " account to this email address."),
        Link("Confirm the new address", link),
        Text($"The address changes only when the button on that page is pressed. The link works once, for {Describe(lifetime)}."),
        Text(NotYou));

    public static OutgoingMail ChangeEmailNotice(string to, string newAddress) => Compose(to, MailKinds.ChangeEmailNotice,
        "A change of your email address was requested",
        Text($"Someone signed in to your {Product} account asked to change its email address to {newAddress}."),
        Text("Nothing changes unless the link we sent to the new address is opened. If this was not you, sign in and change your password, and end the sessions you do not know on the sessions page."));

    public static OutgoingMail AccountDeleted(string to) => Compose(to, MailKinds.AccountDeleted,
        "Your account was deleted",
        Text("Your " + Product + " account with this address has been deleted, with its sessions and activity log. Signing in with it no longer works."),
        Text("If this was not you, the person who did it knew your password. You can register again with this address."));

    public static OutgoingMail TwoFactorEnabled(string to, Uri forgotPasswordLink) => Compose(to, MailKinds.TwoFactorEnabled,
        "Two-factor sign-in is on",
        Text("Two-factor sign-in with an authenticator app was just turned on for your " + Product + " account, and its other sessions and API clients were signed out."),
        Text(NotYouReset),
        Link("Reset my password", forgotPasswordLink));

    public static OutgoingMail TwoFactorDisabled(string to, Uri forgotPasswordLink) => Compose(to, MailKinds.TwoFactorDisabled,
        "Two-factor sign-in is off",
        Text("Two-factor sign-in was just turned off for your " + Product + " account: a password alone signs in again. Its other sessions and API clients were signed out."),
        Text(NotYouReset),
        Link("Reset my password", forgotPasswordLink));

    public static OutgoingMail RecoveryCodesRegenerated(string to, Uri forgotPasswordLink) => Compose(to, MailKinds.RecoveryCodesRegenerated,
        "New recovery codes",
        Text("New recovery codes were just made for your " + Product + " account; the old ones no longer work."),
        Text(NotYouReset),
        Link("Reset my password", forgotPasswordLink));

    public static OutgoingMail RecoveryCodeUsed(string to, int codesLeft, Uri forgotPasswordLink) => Compose(to, MailKinds.RecoveryCodeUsed,
        "A recovery code was used",
        Text($"Someone just signed in to your {Product} account with one of its recovery codes. That code no longer works; {Plural(codesLeft, "code")} left."),
        Text(NotYouReset),
        Link("Reset my password", forgotPasswordLink));

    public static OutgoingMail PasskeyAdded(string to, string passkeyName, Uri passkeysPage, Uri forgotPasswordLink) => Compose(to, MailKinds.PasskeyAdded,
        "A passkey was added",
        Text($"A passkey named “{passkeyName}” was just added to your {Product} account. It signs in without your password or a code."),
        Text("If this was not you, someone has one of your sessions: remove the passkey, then reset your password (that signs out every device)."),
        Link("See my passkeys", passkeysPage),
        Link("Reset my password", forgotPasswordLink));

    /// <summary>One paragraph: plain text, or a link with its label.</summary>
    public readonly record struct Part(string Text, Uri? Href);

    public static Part Text(string text) => new(text, null);

    public static Part Link(string label, Uri href) => new(label, href);

    /// <summary>The message in both forms from the same paragraphs, so the two never say different things.</summary>
    public static OutgoingMail Compose(string to, string kind, string subject, params Part[] parts)
    {
        var text = new StringBuilder();
        var html = new StringBuilder("<!DOCTYPE html><html><body style=\"font-family:sans-serif;line-height:1.5\">");
        html.Append(CultureInfo.InvariantCulture, $"<h1 style=\"font-size:1.25em\">{Encode(subject)}</h1>");
        foreach (var part in parts)
        {
            if (part.Href is { } href)
            {
                // The address in full on its own line too: some readers show no links, and a person may copy it.
                text.Append(part.Text).Append(":\n").Append(href.AbsoluteUri).Append("\n\n");
                html.Append(CultureInfo.InvariantCulture, $"<p><a href=\"{Encode(href.AbsoluteUri)}\">{Encode(part.Text)}</a></p>");
                html.Append(CultureInfo.InvariantCulture, $"<p style=\"font-size:0.85em;color:#555;word-break:break-all\">{Encode(href.AbsoluteUri)}</p>");
            }
            else
            {
                text.Append(part.Text).Append("\n\n");
                html.Append(CultureInfo.InvariantCulture, $"<p>{Encode(part.Text)}</p>");
            }
        }

        text.Append("-- \n").Append(Product).Append('\n');
        html.Append(CultureInfo.InvariantCulture, $"<p style=\"color:#555\">{Product}</p></body></html>");
        return new OutgoingMail(to, kind, subject, text.ToString(), html.ToString());
    }

    private static string Encode(string value) => HtmlEncoder.Default.Encode(value);

    /// <summary>"30 minutes", "1 hour", "3 days": how long a link works, in the words a person reads.</summary>
    internal static string Describe(TimeSpan lifetime) => lifetime switch
    {
        { TotalDays: >= 1 } when lifetime.TotalDays % 1 == 0 => Plural((int)lifetime.TotalDays, "day"),
        { TotalHours: >= 1 } when lifetime.TotalHours % 1 == 0 => Plural((int)lifetime.TotalHours, "hour"),
        { TotalMinutes: >= 1 } when lifetime.TotalMinutes % 1 == 0 => Plural((int)lifetime.TotalMinutes, "minute"),
        _ => Plural((int)Math.Max(1, Math.Round(lifetime.TotalSeconds)), "second"),
    };

    private static string Plural(int count, string unit) => count == 1 ? $"1 {unit}" : $"{count.ToString(CultureInfo.InvariantCulture)} {unit}s";
}
