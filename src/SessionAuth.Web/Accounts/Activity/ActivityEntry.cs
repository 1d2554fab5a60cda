namespace SessionAuth.Web.Accounts.Activity;

/// <summary>
/// One row of "Recent activity": a single event, or a run of consecutive failed sign-ins shown as one
/// row with how many there were, from which addresses, between <see cref="FirstAt"/> and <see cref="OccurredAt"/>.
/// Grouping keeps a flood of wrong guesses from pushing a sign-in off the list.
/// </summary>
public sealed record ActivityEntry
{
    public required ActivityKind Kind { get; init; }

    /// <summary>UTC, of the newest event in the row.</summary>
    public required DateTime OccurredAt { get; init; }

    /// <summary>UTC, of the oldest event in the row (the same as <see cref="OccurredAt"/> for a single event).</summary>
    public required DateTime FirstAt { get; init; }

    /// <summary>How many events the row stands for; 1 for a single event.</summary>
    public int Count { get; init; } = 1;

    /// <summary>More events of this run exist than were read (<see cref="ActivityLog.FailureReadLimit"/>): <see cref="Count"/> is a lower bound.</summary>
    public bool CountIsLowerBound { get; init; }

    /// <summary>The distinct client addresses, newest first.</summary>
    public IReadOnlyList<string> ClientIps { get; init; } = [];

    /// <summary>The newest event's browser summary.</summary>
    public string? UserAgent { get; init; }

    /// <summary>The distinct details, newest first, joined.</summary>
    public string? Detail { get; init; }
}
