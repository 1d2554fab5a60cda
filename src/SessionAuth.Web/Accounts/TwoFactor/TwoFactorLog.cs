namespace SessionAuth.Web.Accounts.TwoFactor;

/// <summary>Two-factor security events (1101-1110). Never a code, a key or a handle: user ids and addresses only.</summary>
internal static partial class TwoFactorLog
{
    [LoggerMessage(EventId = 1101, EventName = "SecondStepPending", Level = LogLevel.Information,
        Message = "Password right for user {UserId} from {ClientIp}; waiting for the second step")]
    public static partial void SecondStepPending(ILogger logger, string userId, string? clientIp);

    [LoggerMessage(EventId = 1102, EventName = "SecondStepFailed", Level = LogLevel.Warning,
        Message = "Second step refused for user {UserId} from {ClientIp}: {Reason}")]
    public static partial void SecondStepFailed(ILogger logger, string userId, string? clientIp, string reason);

    [LoggerMessage(EventId = 1103, EventName = "SecondStepSucceeded", Level = LogLevel.Information,
        Message = "User {UserId} signed in from {ClientIp} with {Method}")]
    public static partial void SecondStepSucceeded(ILogger logger, string userId, string? clientIp, string method);

    [LoggerMessage(EventId = 1104, EventName = "TwoFactorChanged", Level = LogLevel.Information,
        Message = "Two-factor change for user {UserId}: {Change}; {Ended} other sessions and API clients ended")]
    public static partial void TwoFactorChanged(ILogger logger, string userId, string change, int ended);

    [LoggerMessage(EventId = 1105, EventName = "RecoveryCodeUsed", Level = LogLevel.Warning,
        Message = "User {UserId} used a recovery code from {ClientIp}; {Left} left")]
    public static partial void RecoveryCodeUsed(ILogger logger, string userId, string? clientIp, int left);
}
