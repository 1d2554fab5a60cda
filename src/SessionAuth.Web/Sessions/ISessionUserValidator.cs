namespace SessionAuth.Web.Sessions;

/// <summary>
/// What the session scheme needs to know about a session's user at re-validation (once per
/// Sessions:ValidationInterval), from wherever users live (the accounts database; see AddAccounts).
/// May throw <see cref="System.Data.Common.DbException"/> when that store cannot be reached: the
/// session is then kept and checked again at its next request.
/// </summary>
public interface ISessionUserValidator
{
    /// <summary>The user's state now, or null when the user no longer exists.</summary>
    Task<SessionUserState?> GetStateAsync(string userId, CancellationToken cancellationToken);
}

/// <param name="SecurityStamp">The stamp a valid session of this user carries.</param>
/// <param name="LockedByOperator">An operator's lock (not a lockout from wrong guesses): every session of the user ends.</param>
/// <param name="Roles">The user's roles now, written into the session record; null keeps the record's.</param>
public readonly record struct SessionUserState(string? SecurityStamp, bool LockedByOperator, IReadOnlyList<string>? Roles = null);

/// <summary>
/// Makes a session's end durable against a lost delete: rotates the user's security stamp and
/// re-stamps the survivors (see AddAccounts). Called after a sign-out; best effort, never throws.
/// </summary>
public interface ISessionStampRotator
{
    Task RotateStampAsync(string userId, CancellationToken cancellationToken);
}
