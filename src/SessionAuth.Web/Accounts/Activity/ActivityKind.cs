namespace SessionAuth.Web.Accounts.Activity;

/// <summary>
/// The security events a user sees under "Recent activity". Stored by name (not number), so the
/// table reads plainly and a member can be added anywhere without renumbering stored rows.
/// </summary>
public enum ActivityKind
{
    AccountCreated,
    SignedIn,
    SignInFailed,
    SignedOut,
    SessionRevoked,
    OtherSessionsRevoked,
    SessionEndedByLimit,
    PasswordChanged,
    LockedOut,
    AccountDeleted,
    RefreshTokenReuse,
    SignedOutEverywhereByAdministrator,
    LockedByAdministrator,
    UnlockedByAdministrator,
    SignedInWithPasskey,
    PasskeyAdded,
    PasskeyRemoved,
    PasswordReset,
    EmailConfirmed,
    EmailChangeRequested,
    EmailChanged,
    PasswordResetSentByAdministrator,
    TwoFactorEnabled,
    TwoFactorDisabled,
    RecoveryCodesRegenerated,
    RecoveryCodeUsed,
    UnconfirmedSignInFactorsRemoved,
}

public static class ActivityKindText
{
    /// <summary>What the sessions page says for each kind.</summary>
    public static string Describe(this ActivityKind kind) => kind switch
    {
        ActivityKind.AccountCreated => "Account created",
        ActivityKind.SignedIn => "Signed in",
        ActivityKind.SignInFailed => "Sign-in failed",
        ActivityKind.SignedOut => "Signed out",
        ActivityKind.SessionRevoked => "Session ended from the sessions page",
        ActivityKind.OtherSessionsRevoked => "All other sessions ended",
        ActivityKind.SessionEndedByLimit => "Session ended by the limit on sessions",
        ActivityKind.PasswordChanged => "Password changed",
        ActivityKind.LockedOut => "Locked out after wrong passwords",
        ActivityKind.AccountDeleted => "Account deleted",
        ActivityKind.RefreshTokenReuse => "Reused refresh token refused; its tokens ended",
        ActivityKind.SignedOutEverywhereByAdministrator => "Signed out everywhere by an administrator",
        ActivityKind.LockedByAdministrator => "Locked by an administrator",
        ActivityKind.UnlockedByAdministrator => "Unlocked by an administrator",
        ActivityKind.SignedInWithPasskey => "Signed in with a passkey",
        ActivityKind.PasskeyAdded => "Passkey added",
        ActivityKind.PasskeyRemoved => "Passkey removed",
        ActivityKind.PasswordReset => "Password reset by email link; every session ended",
        ActivityKind.EmailConfirmed => "Email address confirmed",
        ActivityKind.EmailChangeRequested => "Change of email address asked for",
        ActivityKind.EmailChanged => "Email address changed",
        ActivityKind.PasswordResetSentByAdministrator => "Password reset link mailed by an administrator",
        ActivityKind.TwoFactorEnabled => "Two-factor sign-in turned on",
        ActivityKind.TwoFactorDisabled => "Two-factor sign-in turned off",
        ActivityKind.RecoveryCodesRegenerated => "New recovery codes made",
        ActivityKind.RecoveryCodeUsed => "Signed in with a recovery code",
        ActivityKind.UnconfirmedSignInFactorsRemoved => "Passkeys removed: added before the address was confirmed",
        _ => kind.ToString(),
    };

    /// <summary>
    /// An operator's action from the console: the row names an administrator and shows neither their address
    /// nor their browser (recorded without them), only what it did.
    /// </summary>
    public static bool IsByAdministrator(this ActivityKind kind) =>
        kind is ActivityKind.SignedOutEverywhereByAdministrator or ActivityKind.LockedByAdministrator or ActivityKind.UnlockedByAdministrator
            or ActivityKind.PasswordResetSentByAdministrator;
}
