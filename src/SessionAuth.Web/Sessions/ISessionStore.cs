namespace SessionAuth.Web.Sessions;

/// <summary>
/// Where server-side sessions live. Every implementation passes the same contract tests
/// (SessionStoreContract). The hot path is <see cref="GetAndTouchAsync"/>: one round trip.
/// </summary>
public interface ISessionStore
{
    /// <summary>"redis" or "in-process", for logs and pages.</summary>
    string Name { get; }

    /// <summary>Cheap, no round trip: false when the store is known to be unreachable.</summary>
    bool IsAvailable { get; }

    /// <summary>
    /// Stores a new session and adds it to its owner's index. With Sessions:MaxPerUser set, a user at
    /// the limit loses their least recently active session(s) in the same atomic step; returns those
    /// (empty when none ended).
    /// </summary>
    Task<IReadOnlyList<StoredSession>> CreateAsync(SessionId id, SessionRecord record, CancellationToken cancellationToken = default);

    /// <summary>Reads the session and slides its idle expiry in one step; null when it is gone or expired.</summary>
    Task<SessionRecord?> GetAndTouchAsync(SessionId id, CancellationToken cancellationToken = default);

    /// <summary>Ends one session; returns what it held, or null if it was already gone.</summary>
    Task<SessionRecord?> RemoveAsync(SessionId id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends one of the user's sessions named by its handle (from <see cref="ListByUserAsync"/>);
    /// returns what it held, or null if it was gone, expired or not this user's.
    /// </summary>
    Task<SessionRecord?> RemoveByHandleAsync(string userId, SessionHandle handle, CancellationToken cancellationToken = default);

    /// <summary>The user's live sessions, newest first, without sliding their expiry.</summary>
    Task<IReadOnlyList<StoredSession>> ListByUserAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// How many live sessions each user has, in the order given: one round trip for the lot (the operators'
    /// user list), whatever their number, without reading a record or sliding an expiry.
    /// </summary>
    Task<IReadOnlyList<int>> CountByUsersAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken = default);

    /// <summary>Ends every session of the user except <paramref name="except"/>; returns how many ended.</summary>
    Task<int> RemoveAllByUserAsync(string userId, SessionId? except = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <paramref name="record"/> (the session's record with a new <see cref="SessionRecord.ValidatedAt"/>)
    /// over the stored one, keeping its expiry and its stored data (<see cref="SessionRecord.Data"/> of
    /// <paramref name="record"/> is ignored: a parallel request may have changed it), only if the session
    /// still exists. One command.
    /// </summary>
    Task<bool> UpdateAsync(SessionId id, SessionRecord record, CancellationToken cancellationToken = default);

    /// <summary>
    /// Merges one request's changes to the session's <c>HttpContext.Session</c> data into the stored data in
    /// one atomic step (one command on Redis, in the session's slot), keeping the session's expiry. A session
    /// that has ended is not revived (<see cref="SessionDataCommit.SessionGone"/>); data that would pass
    /// <paramref name="maxBytes"/> after the merge is not written (<see cref="SessionDataCommit.TooLarge"/>,
    /// with the size it would have had).
    /// </summary>
    Task<(SessionDataCommit Outcome, int Size)> CommitDataAsync(SessionId id, SessionDataChanges changes, int maxBytes, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets <paramref name="newStamp"/> on every live session of the user that carries <paramref name="replacedStamp"/>,
    /// in one atomic step in the user's slot, keeping each one's expiry; returns how many were re-stamped. A session
    /// on any other stamp was already invalid (say, signed in on the password just changed) and stays so.
    /// </summary>
    Task<int> RestampAllByUserAsync(string userId, string replacedStamp, string newStamp, CancellationToken cancellationToken = default);
}
