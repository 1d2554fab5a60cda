namespace SessionAuth.Web.Sessions;

/// <summary>
/// Other credentials a user holds beside their sessions (the token flow's refresh grants), ended
/// together with them: <see cref="SessionRevocation"/> calls every registered revoker when it ends
/// all of a user's sessions (sign out all others, password change, account deletion). Lets another
/// concern take part without this folder depending on it.
/// </summary>
public interface IUserCredentialRevoker
{
    /// <summary>Ends every such credential of the user; returns how many ended. Unreachable storage throws <see cref="SessionStoreUnavailableException"/>.</summary>
    Task<int> RevokeAllAsync(string userId, CancellationToken cancellationToken);
}
