using System.ComponentModel.DataAnnotations;

namespace SessionAuth.Web.Accounts.Activity;

/// <summary>The activity log (section "Activity").</summary>
public sealed class ActivityOptions
{
    public const string SectionName = "Activity";

    /// <summary>Events older than this many days are deleted by <see cref="ActivityRetentionService"/>.</summary>
    [Range(1, 3650, ErrorMessage = "Activity:RetentionDays must be a whole number of days from 1 to 3650.")]
    public int RetentionDays { get; set; } = 90;

    /// <summary>How often the old events are deleted; not a setting, an hour keeps the table near its bound.</summary>
    internal static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);
}
