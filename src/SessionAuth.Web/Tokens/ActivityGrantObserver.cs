using SessionAuth.Web.Accounts.Activity;

namespace SessionAuth.Web.Tokens;

/// <summary>
/// The token flow's events in the user's activity log, beside the browser sign-ins: an API sign-in is
/// "Signed in" marked "API client", and a reused refresh token is a security event of its own.
/// </summary>
internal sealed class ActivityGrantObserver(ActivityLog activity) : ITokenGrantObserver
{
    public const string ApiClient = "API client";

    public Task GrantCreatedAsync(string userId, GrantHandle handle, string? clientIp, string? userAgent, CancellationToken cancellationToken) =>
        activity.RecordAsync(userId, ActivityKind.SignedIn, clientIp, userAgent, ApiClient);

    public Task RefreshTokenReusedAsync(string userId, GrantHandle handle, string? clientIp, string? userAgent, CancellationToken cancellationToken) =>
        activity.RecordAsync(userId, ActivityKind.RefreshTokenReuse, clientIp, userAgent, ApiClient);
}
