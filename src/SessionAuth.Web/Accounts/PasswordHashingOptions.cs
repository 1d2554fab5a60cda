using System.ComponentModel.DataAnnotations;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// How many password hashes run at once and how long one waits for its turn (section
/// "Accounts:Passwords", beside the hashing strength). PBKDF2 holds a core for about 100 ms: a burst
/// of sign-ins left unbounded takes every core and starves the Redis calls of other requests.
/// </summary>
public sealed class PasswordHashingOptions
{
    public const string SectionName = "Accounts:Passwords";

    /// <summary>
    /// Hashes (or verifications) running at once; 0 (the default) means one less than the cores, at
    /// least one: one core always stays free for the requests that only read a session, and for the
    /// Redis client's replies, whose 1 s timeout a burst of hashing would otherwise overrun.
    /// </summary>
    [Range(0, 1024, ErrorMessage = "Accounts:Passwords:HashConcurrency must be between 0 (one less than the cores) and 1024.")]
    public int HashConcurrency { get; set; }

    /// <summary>
    /// How long a sign-in, registration or password change waits for a free hashing slot before it
    /// answers 503 with Retry-After. Twenty sign-ins at once on two cores (one slot, about 100 ms each) wait two seconds at most.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00",
        ErrorMessage = "Accounts:Passwords:HashQueueTimeout must be between 100 ms and 5 minutes.")]
    public TimeSpan HashQueueTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public int EffectiveConcurrency => HashConcurrency > 0 ? HashConcurrency : Math.Max(1, Environment.ProcessorCount - 1);
}
