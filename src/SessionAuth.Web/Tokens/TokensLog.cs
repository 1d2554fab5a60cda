namespace SessionAuth.Web.Tokens;

/// <summary>Security events of the token flow. Tokens never appear: grants are named by their handle.</summary>
internal static partial class TokensLog
{
    [LoggerMessage(EventId = 3001, EventName = "TokenIssued", Level = LogLevel.Information,
        Message = "User {UserId} signed in through the API from {ClientIp}: grant {GrantHandle}")]
    public static partial void TokenIssued(ILogger logger, string userId, string? clientIp, string grantHandle);

    [LoggerMessage(EventId = 3002, EventName = "RefreshTokenReused", Level = LogLevel.Warning,
        Message = "Security: an already-rotated refresh token of user {UserId} was presented from {ClientIp}; grant {GrantHandle} has ended")]
    public static partial void RefreshTokenReused(ILogger logger, string userId, string? clientIp, string grantHandle);

    [LoggerMessage(EventId = 3003, EventName = "RefreshRefused", Level = LogLevel.Information,
        Message = "A refresh token was refused (unknown, revoked or expired) from {ClientIp}")]
    public static partial void RefreshRefused(ILogger logger, string? clientIp);

    [LoggerMessage(EventId = 3004, EventName = "GrantRevoked", Level = LogLevel.Information,
        Message = "Grant {GrantHandle} was revoked with its refresh token from {ClientIp}")]
    public static partial void GrantRevoked(ILogger logger, string grantHandle, string? clientIp);

    [LoggerMessage(EventId = 3005, EventName = "RevokedGrantToken", Level = LogLevel.Information,
        Message = "An access token of ended grant {GrantHandle} (user {UserId}) was refused")]
    public static partial void RevokedGrantToken(ILogger logger, string grantHandle, string userId);

    [LoggerMessage(EventId = 3006, EventName = "DevelopmentSigningKey", Level = LogLevel.Information,
        Message = "Tokens: no Tokens:SigningKey is set, so access tokens are signed ({Algorithm}) with a development key kept in {Path}. Outside Development the key must be set.")]
    public static partial void DevelopmentSigningKey(ILogger logger, string algorithm, string path);

    [LoggerMessage(EventId = 3015, EventName = "RefreshRefusedForUser", Level = LogLevel.Information,
        Message = "A refresh of grant {GrantHandle} (user {UserId}) from {ClientIp} was refused and the grant ended: {Reason}")]
    public static partial void RefreshRefusedForUser(ILogger logger, string userId, string? clientIp, string grantHandle, string reason);
}
