using SessionAuth.Web.Email;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// Security events of the account flow (ASVS 7.1/7.2). Emails appear only as a keyed
/// fingerprint (<see cref="EmailFingerprint"/>); passwords, session ids and tokens never appear.
/// </summary>
internal static partial class AccountsLog
{
    [LoggerMessage(EventId = 1001, EventName = "ApplyingMigrations", Level = LogLevel.Information,
        Message = "Applying {Count} accounts database migration(s): {Migrations}. If this hangs on SQLite, a process died mid-migration: delete the row in __EFMigrationsLock.")]
    public static partial void ApplyingMigrations(ILogger logger, int count, string migrations);

    [LoggerMessage(EventId = 1010, EventName = "UserRegistered", Level = LogLevel.Information,
        Message = "User {UserId} registered")]
    public static partial void UserRegistered(ILogger logger, string userId);

    [LoggerMessage(EventId = 1011, EventName = "LoginSucceeded", Level = LogLevel.Information,
        Message = "User {UserId} signed in from {ClientIp}")]
    public static partial void LoginSucceeded(ILogger logger, string userId, string? clientIp);

    [LoggerMessage(EventId = 1012, EventName = "LoginFailed", Level = LogLevel.Warning,
        Message = "Sign-in failed for {EmailFingerprint} from {ClientIp}: {Reason}")]
    public static partial void LoginFailed(ILogger logger, string emailFingerprint, string? clientIp, string reason);

    [LoggerMessage(EventId = 1013, EventName = "AccountLockedOut", Level = LogLevel.Warning,
        Message = "User {UserId} is locked out after repeated failed sign-ins (from {ClientIp})")]
    public static partial void AccountLockedOut(ILogger logger, string userId, string? clientIp);

    [LoggerMessage(EventId = 1014, EventName = "PasswordChanged", Level = LogLevel.Information,
        Message = "User {UserId} changed their password; {EndedSessions} other session(s) ended")]
    public static partial void PasswordChanged(ILogger logger, string userId, int endedSessions);

    [LoggerMessage(EventId = 1015, EventName = "PasswordChangeFailed", Level = LogLevel.Warning,
        Message = "User {UserId} failed to change their password: {Reason}")]
    public static partial void PasswordChangeFailed(ILogger logger, string userId, string reason);

    [LoggerMessage(EventId = 1016, EventName = "PasswordHashUpgraded", Level = LogLevel.Information,
        Message = "The password hash of user {UserId} was upgraded to the configured strength")]
    public static partial void PasswordHashUpgraded(ILogger logger, string userId);

    [LoggerMessage(EventId = 1017, EventName = "CredentialsNotMovedAfterHashUpgrade", Level = LogLevel.Warning,
        Message = "After the password hash upgrade of user {UserId}, the other sessions and API grants could not be moved to the new security stamp; they end at their next check")]
    public static partial void CredentialsNotMovedAfterHashUpgrade(ILogger logger, string userId, Exception exception);

    [LoggerMessage(EventId = 1018, EventName = "RegistrationOfTakenEmail", Level = LogLevel.Information,
        Message = "Registration with the address {EmailFingerprint}, which already has an account: its owner is told by mail, the form answers as for a new account")]
    public static partial void RegistrationOfTakenEmail(ILogger logger, string emailFingerprint);

    [LoggerMessage(EventId = 1019, EventName = "PasswordResetRequested", Level = LogLevel.Information,
        Message = "Password reset asked for {EmailFingerprint} from {ClientIp}: {Outcome}")]
    public static partial void PasswordResetRequested(ILogger logger, string emailFingerprint, string? clientIp, string outcome);

    [LoggerMessage(EventId = 1020, EventName = "PasswordReset", Level = LogLevel.Information,
        Message = "User {UserId} reset their password by mail; {EndedCredentials} session(s) and API grant(s) ended")]
    public static partial void PasswordReset(ILogger logger, string userId, int endedCredentials);

    [LoggerMessage(EventId = 1021, EventName = "MailLinkRefused", Level = LogLevel.Information,
        Message = "A {Flow} link was refused (used, expired, superseded or not ours) for user {UserId}")]
    public static partial void MailLinkRefused(ILogger logger, string flow, string? userId);

    [LoggerMessage(EventId = 1022, EventName = "EmailConfirmed", Level = LogLevel.Information,
        Message = "User {UserId} confirmed their email address")]
    public static partial void EmailConfirmed(ILogger logger, string userId);

    [LoggerMessage(EventId = 1023, EventName = "ConfirmationRequested", Level = LogLevel.Information,
        Message = "A new confirmation link was asked for {EmailFingerprint} from {ClientIp}: {Outcome}")]
    public static partial void ConfirmationRequested(ILogger logger, string emailFingerprint, string? clientIp, string outcome);

    [LoggerMessage(EventId = 1024, EventName = "EmailChangeRequested", Level = LogLevel.Information,
        Message = "User {UserId} asked to change their email address to {NewEmailFingerprint}: {Outcome}")]
    public static partial void EmailChangeRequested(ILogger logger, string userId, string newEmailFingerprint, string outcome);

    [LoggerMessage(EventId = 1025, EventName = "EmailChanged", Level = LogLevel.Information,
        Message = "User {UserId} changed their email address; {EndedCredentials} other session(s) and API grant(s) ended")]
    public static partial void EmailChanged(ILogger logger, string userId, int endedCredentials);

    [LoggerMessage(EventId = 1026, EventName = "OperatorRoleApplied", Level = LogLevel.Information,
        Message = "The Admin role follows Admin:Emails: {Listed} listed account(s) with a confirmed address exist, {Given} given the role, {Taken} had it taken away")]
    public static partial void OperatorRoleApplied(ILogger logger, int listed, int given, int taken);

    [LoggerMessage(EventId = 1034, EventName = "OperatorAddressesUnconfirmed", Level = LogLevel.Warning,
        Message = "Admin:Emails gives the Admin role to the listed addresses without their confirmation, as no mail server is set: whoever registers a listed address that has no account yet gets the console. Set Email:Smtp:Host, or Admin:RequireConfirmedEmail=true")]
    public static partial void OperatorAddressesUnconfirmed(ILogger logger);

    [LoggerMessage(EventId = 1027, EventName = "OperatorRoleNotStored", Level = LogLevel.Warning,
        Message = "The Admin role of user {UserId} could not be brought in line with Admin:Emails in the accounts database ({Reason}); the session's roles follow the list anyway")]
    public static partial void OperatorRoleNotStored(ILogger logger, string userId, string reason, Exception? exception);

    [LoggerMessage(EventId = 1028, EventName = "UnconfirmedSignInFactorsRemoved", Level = LogLevel.Warning,
        Message = "User {UserId} proved their address for the first time: {Passkeys} passkey(s) added before were removed")]
    public static partial void UnconfirmedSignInFactorsRemoved(ILogger logger, string userId, int passkeys);

    [LoggerMessage(EventId = 1029, EventName = "UnconfirmedSignInFactorsNotRemoved", Level = LogLevel.Warning,
        Message = "The sign-in factors added before user {UserId} proved their address were not all removed ({Reason}); the address stays unconfirmed, so the next reset tries again")]
    public static partial void UnconfirmedSignInFactorsNotRemoved(ILogger logger, string userId, string reason, Exception? exception);
}
