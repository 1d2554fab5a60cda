namespace SessionAuth.Web.Email;

/// <summary>What a message is, stored in its outbox row and logged instead of its text.</summary>
public static class MailKinds
{
    public const string ConfirmEmail = "confirm-email";
    public const string RegistrationAttempt = "registration-attempt";
    public const string PasswordReset = "password-reset";
    public const string PasswordChanged = "password-changed";
    public const string ChangeEmailConfirm = "change-email-confirm";
    public const string ChangeEmailNotice = "change-email-notice";
    public const string AccountDeleted = "account-deleted";
    public const string TwoFactorEnabled = "two-factor-enabled";
    public const string TwoFactorDisabled = "two-factor-disabled";
    public const string RecoveryCodesRegenerated = "recovery-codes-regenerated";
    public const string RecoveryCodeUsed = "recovery-code-used";
    public const string PasskeyAdded = "passkey-added";

    /// <summary>
    /// Kinds a request can trigger again and again (so a stranger could aim them at someone's inbox):
    /// counted against Email:MaxPerRecipientPerHour. The notices that follow the owner's own change are not.
    /// </summary>
    public static bool IsCapped(string kind) => Array.IndexOf(Capped, kind) >= 0;

    /// <summary>The capped kinds, for the outbox's count.</summary>
    internal static readonly string[] Capped = [ConfirmEmail, RegistrationAttempt, PasswordReset, ChangeEmailConfirm, ChangeEmailNotice];
}
