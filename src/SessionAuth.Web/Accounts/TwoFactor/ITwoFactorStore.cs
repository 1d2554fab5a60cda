namespace SessionAuth.Web.Accounts.TwoFactor;

/// <summary>
/// The short-lived state of the second step, beside the sessions (Redis, or this process without Redis): pending
/// sign-ins by the hash of their handle, and the authenticator codes each account has used. Unreachable storage
/// throws <see cref="Sessions.SessionStoreUnavailableException"/>, as the session store does.
/// </summary>
public interface ITwoFactorStore
{
    Task CreatePendingAsync(PendingHandle handle, PendingSignIn pending, CancellationToken cancellationToken);

    /// <summary>The pending sign-in, or null when unknown, used or expired.</summary>
    Task<PendingSignIn?> FindPendingAsync(PendingHandle handle, CancellationToken cancellationToken);

    /// <summary>Reads and deletes it in one step: of two requests completing the same step, one gets it.</summary>
    Task<PendingSignIn?> TakePendingAsync(PendingHandle handle, CancellationToken cancellationToken);

    /// <summary>
    /// Marks <paramref name="code"/> used for the user for <paramref name="window"/>; false when it already was
    /// (on any instance). Atomic: of two requests with the same code, one gets true.
    /// </summary>
    Task<bool> TryUseCodeAsync(string userId, string code, TimeSpan window, CancellationToken cancellationToken);
}
