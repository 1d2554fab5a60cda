namespace SessionAuth.Web.Accounts.Activity;

/// <summary>
/// One row of "Recent activity": a single event, or a run of consecutive failed sign-ins (with the
/// lockouts they caused) shown as one row with how many there were, from which addresses, between
/// <see cref="FirstAt"/> and <see cref="OccurredAt"/>. Grouping keeps a flood of wrong guesses, and
/// the lockout every few of them triggers, from pushing a sign-in off the list.
/// </summary>
public sealed record ActivityEntry
{
    public required ActivityKind Kind { get; init; }

    /// <summary>UTC, of the newest event in the row.</summary>
    public required DateTime OccurredAt { get; init; }

    /// <summary>UTC, of the oldest event in the row (the same as <see cref="OccurredAt"/> for a single event).</summary>
    public required DateTime FirstAt { get; init; }

    /// <summary>How many events of <see cref="Kind"/> the row stands for; 1 for a single event.</summary>
    public int Count { get; init; } = 1;

    /// <summary>How many lockouts the run of failed sign-ins caused (0 outside such a run).</summary>
    public int LockedOutCount { get; init; }

    /// <summary>
    /// More events of this run may exist than were read (<see cref="ActivityLog.FailureReadLimit"/>):
    /// <see cref="Count"/> and <see cref="LockedOutCount"/> are lower bounds.
    /// </summary>
    public bool CountIsLowerBound { get; init; }

    /// <summary>More than one event in the row (or perhaps more): shown with its counts and span.</summary>
    public bool IsRun => Count + LockedOutCount > 1 || CountIsLowerBound;

    /// <summary>The newest distinct client addresses, newest first, at most <see cref="ActivityLog.ShownClientIps"/>.</summary>
    public IReadOnlyList<string> ClientIps { get; init; } = [];

    /// <summary>How many other distinct addresses the row has beyond <see cref="ClientIps"/>.</summary>
    public int MoreClientIps { get; init; }

    /// <summary>The newest event's browser summary.</summary>
    public string? UserAgent { get; init; }

    /// <summary>The distinct details, newest first, joined.</summary>
    public string? Detail { get; init; }
}
