namespace SessionAuth.Web.Tokens;

/// <summary>
/// Refresh grants: one per API sign-in, holding the hash of its current refresh token. Redis
/// (<see cref="RedisRefreshGrantStore"/>) or, without Redis, this process (<see cref="InMemoryRefreshGrantStore"/>);
/// both keep the same contract (RefreshGrantStoreContract in the tests). Unavailable storage throws
/// <see cref="Sessions.SessionStoreUnavailableException"/>, like the session store.
/// </summary>
public interface IRefreshGrantStore
{
    string Name { get; }

    /// <summary>Stores the grant and returns its first refresh token (the only time it exists in clear).</summary>
    Task<RefreshToken> CreateAsync(RefreshGrant grant, CancellationToken cancellationToken = default);

    /// <summary>
    /// One atomic step: the current token rotates (its successor is returned, the idle lifetime slides);
    /// an already-rotated token ends the whole grant (<see cref="RefreshOutcome.Reused"/>); anything else is refused.
    /// </summary>
    Task<RefreshResult> RotateAsync(RefreshToken token, CancellationToken cancellationToken = default);

    /// <summary>Ends the grant the token (current or rotated) belongs to. False when there was none.</summary>
    Task<bool> RevokeAsync(RefreshToken token, CancellationToken cancellationToken = default);

    /// <summary>Whether the grant named in an access token (<c>sub</c>, <c>sid</c>) still lives: one Redis command.</summary>
    Task<bool> ExistsAsync(string userId, string grantId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The security stamp the user's grant carries now: null when the grant has ended or has none. Read again when a
    /// refresh finds a stamp that differs from the user's, since a stamp rotation restamps the grants after the database.
    /// </summary>
    Task<string?> StampOfAsync(string userId, string grantId, CancellationToken cancellationToken = default);

    /// <summary>The user's live grants, newest first (for the device list on /Account/Sessions).</summary>
    Task<IReadOnlyList<GrantSummary>> ListByUserAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>How many live grants each user has, in the order given: one round trip for the lot.</summary>
    Task<IReadOnlyList<int>> CountByUsersAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken = default);

    /// <summary>Ends one of the user's grants; false for an unknown handle or another user's grant.</summary>
    Task<bool> RevokeByHandleAsync(string userId, GrantHandle handle, CancellationToken cancellationToken = default);

    /// <summary>Ends every grant of the user (sign out everywhere, password change, account deletion).</summary>
    Task<int> RevokeAllByUserAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives the user's grants that carry security stamp <paramref name="replacedStamp"/> the stamp <paramref name="newStamp"/>
    /// (the stamp rotated by a change that leaves them valid: a sign-out, one session revoked). A grant with
    /// any other stamp keeps it, and its next refresh is refused. Returns how many changed.
    /// </summary>
    Task<int> RestampAllByUserAsync(string userId, string replacedStamp, string newStamp, CancellationToken cancellationToken = default);
}
