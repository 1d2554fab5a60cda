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

    /// <summary>
    /// The user's security stamp moved from <paramref name="replacedStamp"/> to <paramref name="newStamp"/> by a change that
    /// leaves the surviving credentials valid (a sign-out, one session revoked): those carrying
    /// <paramref name="replacedStamp"/> take the new one, any other stays refused. Unreachable storage throws
    /// <see cref="SessionStoreUnavailableException"/>.
    /// </summary>
    Task RestampAsync(string userId, string replacedStamp, string newStamp, CancellationToken cancellationToken);
}
