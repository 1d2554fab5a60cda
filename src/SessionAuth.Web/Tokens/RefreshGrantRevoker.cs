using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Tokens;

/// <summary>
/// Joins the grants to <see cref="SessionRevocation"/>: "sign out all other sessions", a password
/// change and account deletion end the user's API grants too, so no refresh token outlives them; a
/// sign-out or one revoked session rotates the stamp and the grants carry the new one.
/// </summary>
internal sealed class RefreshGrantRevoker(IRefreshGrantStore grants) : IUserCredentialRevoker
{
    public Task<int> RevokeAllAsync(string userId, CancellationToken cancellationToken) =>
        grants.RevokeAllByUserAsync(userId, cancellationToken);

    public Task RestampAsync(string userId, string replacedStamp, string newStamp, CancellationToken cancellationToken) =>
        grants.RestampAllByUserAsync(userId, replacedStamp, newStamp, cancellationToken);
}
