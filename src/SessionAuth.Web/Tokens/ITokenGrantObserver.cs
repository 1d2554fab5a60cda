namespace SessionAuth.Web.Tokens;

/// <summary>
/// A hook for what else should hear about grant events (the activity log). Register any number of
/// implementations (scoped or singleton); the endpoints call each after the store has acted.
/// </summary>
public interface ITokenGrantObserver
{
    /// <summary>A person signed in through the API and a grant began.</summary>
    Task GrantCreatedAsync(string userId, GrantHandle handle, string? clientIp, string? userAgent, CancellationToken cancellationToken);

    /// <summary>An already-rotated refresh token came back: the grant has ended (a security event).</summary>
    Task RefreshTokenReusedAsync(string userId, GrantHandle handle, string? clientIp, string? userAgent, CancellationToken cancellationToken);
}
