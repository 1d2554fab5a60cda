using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// Every hashing slot stayed taken for Accounts:Passwords:HashQueueTimeout: the request answers 503
/// with Retry-After (the host's exception handler), not 500, and nothing about the password was decided.
/// </summary>
public sealed class PasswordHashingBusyException(TimeSpan waited)
    : ServiceUnavailableException(UnavailableService.PasswordHashing, $"No password hashing slot became free within {waited.TotalSeconds:0.###} s.");
