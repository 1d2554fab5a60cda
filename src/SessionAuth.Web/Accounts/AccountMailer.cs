using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Accounts.TwoFactor;
using SessionAuth.Web.Email;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// Puts the account flows' mail in the outbox: makes the code (Identity's token providers), the link on
/// App:PublicUrl (<see cref="IPublicLinks"/>, never the request's Host) and the words (<see cref="AccountMail"/>).
/// Each call saves its row before it returns, so a page that awaits it answers after the mail is stored.
/// Neither the code nor the link is ever logged: the outbox logs the message id, kind and a fingerprint.
/// </summary>
public sealed class AccountMailer(
    UserManager<ApplicationUser> users,
    IMailOutbox outbox,
    IPublicLinks links,
    IOptions<AccountFlowOptions> flows)
{
    /// <summary>The link that confirms the account's current address (after registering, or asked again).</summary>
    public async Task<MailQueueResult> SendConfirmationAsync(ApplicationUser user, CancellationToken cancellationToken)
    {
        var code = await users.GenerateEmailConfirmationTokenAsync(user);
        var link = CodeLink(AppRoutes.ConfirmEmail, user.Id, code);
        return await outbox.QueueAsync(AccountMail.ConfirmEmail(user.Email!, link, flows.Value.EmailConfirmationLifetime), cancellationToken);
    }

    /// <summary>To the owner of an address someone tried to register again, with a link that resets the password.</summary>
    public async Task<MailQueueResult> SendRegistrationAttemptAsync(ApplicationUser owner, CancellationToken cancellationToken)
    {
        var link = await ResetLinkAsync(owner);
        return await outbox.QueueAsync(AccountMail.RegistrationAttempt(owner.Email!, link), cancellationToken);
    }

    public async Task<MailQueueResult> SendPasswordResetAsync(ApplicationUser user, CancellationToken cancellationToken)
    {
        var link = await ResetLinkAsync(user);
        return await outbox.QueueAsync(AccountMail.PasswordReset(user.Email!, link, flows.Value.PasswordResetLifetime), cancellationToken);
    }

    public Task<MailQueueResult> SendPasswordChangedAsync(string email, CancellationToken cancellationToken) =>
        outbox.QueueAsync(AccountMail.PasswordChanged(email, links.Create(AppRoutes.ForgotPassword)), cancellationToken);

    /// <summary>The confirmation link to the new address, and a notice to the current one.</summary>
    public async Task SendChangeEmailAsync(ApplicationUser user, string newEmail, CancellationToken cancellationToken)
    {
        var code = await users.GenerateChangeEmailTokenAsync(user, newEmail);
        var link = links.Create(AppRoutes.ConfirmEmailChange, new Dictionary<string, string?>
        {
            ["userId"] = user.Id,
            ["email"] = newEmail,
            ["code"] = LinkCode.Encode(code),
        });
        await outbox.QueueAsync(AccountMail.ChangeEmailConfirm(newEmail, link, flows.Value.EmailConfirmationLifetime), cancellationToken);
        await SendChangeEmailNoticeAsync(user, newEmail, cancellationToken);
    }

    /// <summary>The notice alone: what the current address hears when the new one is already taken.</summary>
    public Task<MailQueueResult> SendChangeEmailNoticeAsync(ApplicationUser user, string newEmail, CancellationToken cancellationToken) =>
        outbox.QueueAsync(AccountMail.ChangeEmailNotice(user.Email!, newEmail), cancellationToken);

    public Task<MailQueueResult> SendAccountDeletedAsync(string email, CancellationToken cancellationToken) =>
        outbox.QueueAsync(AccountMail.AccountDeleted(email), cancellationToken);

    /// <summary>The notice of a two-factor change, with the way back in if the change was not the owner's.</summary>
    public Task<MailQueueResult> SendTwoFactorNoticeAsync(string email, TwoFactorChange change, int codesLeft, CancellationToken cancellationToken)
    {
        var forgot = links.Create(AppRoutes.ForgotPassword);
        var mail = change switch
        {
            TwoFactorChange.Enabled => AccountMail.TwoFactorEnabled(email, forgot),
            TwoFactorChange.Disabled => AccountMail.TwoFactorDisabled(email, forgot),
            TwoFactorChange.RecoveryCodesRegenerated => AccountMail.RecoveryCodesRegenerated(email, forgot),
            _ => AccountMail.RecoveryCodeUsed(email, codesLeft, forgot),
        };
        return outbox.QueueAsync(mail, cancellationToken);
    }

    /// <summary>
    /// A passkey signs in with nothing else, so one added from a stolen session would outlive a password reset:
    /// the owner hears of it at once, with the page that removes it.
    /// </summary>
    public Task<MailQueueResult> SendPasskeyAddedAsync(string email, string passkeyName, CancellationToken cancellationToken) =>
        outbox.QueueAsync(AccountMail.PasskeyAdded(email, passkeyName, links.Create(AppRoutes.Passkeys), links.Create(AppRoutes.ForgotPassword)), cancellationToken);

    private async Task<Uri> ResetLinkAsync(ApplicationUser user) =>
        CodeLink(AppRoutes.ResetPassword, user.Id, await users.GeneratePasswordResetTokenAsync(user));

    private Uri CodeLink(string path, string userId, string code) =>
        links.Create(path, new Dictionary<string, string?> { ["userId"] = userId, ["code"] = LinkCode.Encode(code) });
}
