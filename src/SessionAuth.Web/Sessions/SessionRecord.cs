using System.Text.Json.Serialization;

namespace SessionAuth.Web.Sessions;

/// <summary>What the server keeps about one signed-in session; the cookie holds only its id.</summary>
public sealed record SessionRecord
{
    public required string UserId { get; init; }

    public required string UserName { get; init; }

    public string? Email { get; init; }

    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>Other claims of the user (type, value), for pages and policies that need them.</summary>
    public IReadOnlyList<SessionClaim> Claims { get; init; } = [];

    /// <summary>The user's security stamp when the session was made or last re-stamped; a change in the accounts database ends it.</summary>
    public string? SecurityStamp { get; init; }

    /// <summary>
    /// When the session was last checked against the accounts database (stamp, lockout, existence);
    /// null means "at <see cref="CreatedAt"/>". The handler checks again once Sessions:ValidationInterval has passed.
    /// </summary>
    public DateTimeOffset? ValidatedAt { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset AbsoluteExpiresAt { get; init; }

    public bool IsPersistent { get; init; }

    public string? ClientIp { get; init; }

    public string? UserAgent { get; init; }

    /// <summary>
    /// This session's CSRF secret (32 random bytes, base64url), made at sign-in: signed-in forms carry
    /// it masked (<see cref="SessionAntiforgery"/>). Null only in records written before it existed.
    /// </summary>
    public string? CsrfSecret { get; init; }

    /// <summary>
    /// The session's <c>HttpContext.Session</c> data as the store keeps it beside the record (a JSON object
    /// of key to base64 value, <see cref="SessionDataFormat"/>); empty when there is none. Kept as bytes
    /// and parsed only when a page reads <c>HttpContext.Session</c>, so a page that does not pays nothing.
    /// Stores write it with the record (sign-in, re-stamping) but never let <see cref="ISessionStore.UpdateAsync"/>
    /// overwrite it: only <see cref="ISessionStore.CommitDataAsync"/> changes it.
    /// </summary>
    [JsonIgnore]
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>
    /// When the session ends if nothing uses it after <paramref name="lastUse"/>: the idle deadline,
    /// but never past the absolute one. The one place this rule is written.
    /// </summary>
    public DateTimeOffset IdleDeadline(DateTimeOffset lastUse, TimeSpan idleTimeout)
    {
        var idle = lastUse + idleTimeout;
        return idle < AbsoluteExpiresAt ? idle : AbsoluteExpiresAt;
    }
}
