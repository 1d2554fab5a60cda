namespace SessionAuth.Web.Hosting;

/// <summary>Failures the host answers itself (<see cref="FailureExceptionHandler"/>): expected ones, so warnings without a stack trace.</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 4001, EventName = "PasswordHashingBusy", Level = LogLevel.Warning,
        Message = "Answered 503 to {Endpoint}: {Reason}")]
    public static partial void PasswordHashingBusy(ILogger logger, string? endpoint, string reason);

    [LoggerMessage(EventId = 4002, EventName = "StoreUnavailableResponse", Level = LogLevel.Warning,
        Message = "Answered 503 to {Endpoint}, the session store being unavailable. {ErrorType}: {Reason} Cause: {Cause}")]
    public static partial void StoreUnavailable(ILogger logger, string? endpoint, string errorType, string reason, string cause);

    [LoggerMessage(EventId = 4003, EventName = "BadRequest", Level = LogLevel.Information,
        Message = "Answered {Status}: the request could not be read. {Reason}")]
    public static partial void BadRequest(ILogger logger, int status, string reason);

    [LoggerMessage(EventId = 4004, EventName = "AccountsUnavailableResponse", Level = LogLevel.Warning,
        Message = "Answered 503 to {Endpoint}, the accounts database being unreachable. {ErrorType}: {Reason} Cause: {Cause}")]
    public static partial void AccountsUnavailable(ILogger logger, string? endpoint, string errorType, string reason, string cause);
}
