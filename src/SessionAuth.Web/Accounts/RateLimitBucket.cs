using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// Endpoint metadata naming the "password-forms" rate-limit bucket an endpoint draws from. Endpoints
/// with the same bucket share one budget per client address: the token endpoint draws from the login
/// form's (<see cref="AppRoutes.Login"/>), so switching between them buys no extra guesses.
/// </summary>
public sealed record RateLimitBucket(string Name);
