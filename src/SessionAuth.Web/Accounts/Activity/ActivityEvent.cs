namespace SessionAuth.Web.Accounts.Activity;

/// <summary>One security event of one user, as stored in the accounts database (table ActivityEvents).</summary>
public sealed class ActivityEvent
{
    public const int IpMaxLength = 45; // the longest IPv6 text form (with an IPv4 tail)
    public const int UserAgentMaxLength = 100;
    public const int DetailMaxLength = 200;

    public long Id { get; set; }

    public required string UserId { get; set; }

    public ActivityKind Kind { get; set; }

    /// <summary>UTC. A DateTime, not a DateTimeOffset: SQLite can order and compare it (it is stored as ISO text).</summary>
    public DateTime OccurredAt { get; set; }

    public string? ClientIp { get; set; }

    /// <summary>The summary (<see cref="UserAgentSummary"/>), not the raw header.</summary>
    public string? UserAgent { get; set; }

    public string? Detail { get; set; }
}
