namespace SessionAuth.Web.Accounts.Passkeys;

/// <summary>
/// Passkey events. A passkey is named by a short fingerprint of its credential id (not a secret, but long and
/// the same everywhere it is used); challenges, credentials and the ceremony handle never appear.
/// </summary>
internal static partial class PasskeyLog
{
    [LoggerMessage(EventId = 1060, EventName = "PasskeyAdded", Level = LogLevel.Information,
        Message = "User {UserId} added passkey {Passkey}")]
    public static partial void Added(ILogger logger, string userId, string passkey);

    [LoggerMessage(EventId = 1061, EventName = "PasskeyAddFailed", Level = LogLevel.Warning,
        Message = "User {UserId} could not add a passkey: {Reason}")]
    public static partial void AddFailed(ILogger logger, string userId, string reason);

    [LoggerMessage(EventId = 1062, EventName = "PasskeyRemoved", Level = LogLevel.Information,
        Message = "User {UserId} removed passkey {Passkey}")]
    public static partial void Removed(ILogger logger, string userId, string passkey);

    [LoggerMessage(EventId = 1063, EventName = "PasskeyRenamed", Level = LogLevel.Information,
        Message = "User {UserId} renamed passkey {Passkey}")]
    public static partial void Renamed(ILogger logger, string userId, string passkey);

    [LoggerMessage(EventId = 1064, EventName = "PasskeySignInSucceeded", Level = LogLevel.Information,
        Message = "User {UserId} signed in with passkey {Passkey} from {ClientIp}")]
    public static partial void SignInSucceeded(ILogger logger, string userId, string passkey, string? clientIp);

    [LoggerMessage(EventId = 1065, EventName = "PasskeySignInFailed", Level = LogLevel.Warning,
        Message = "Passkey sign-in failed from {ClientIp}: {Reason}")]
    public static partial void SignInFailed(ILogger logger, string? clientIp, string reason);

    /// <summary>The first 12 base64url characters of SHA-256 of the credential id: enough to tell a user's passkeys apart in a log.</summary>
    public static string Fingerprint(byte[] credentialId) =>
        System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.SHA256.HashData(credentialId))[..12];
}
