using System.ComponentModel.DataAnnotations;

namespace SessionAuth.Web.Sessions;

/// <summary>
/// Settings of the server-side session (section "Sessions"), validated at start: the session
/// store reads them, and the composition copies what belongs to the scheme into
/// <see cref="ServerSessionSchemeOptions"/> (<see cref="ConfigureScheme"/>).
/// </summary>
public sealed class ServerSessionOptions : IValidatableObject
{
    public const string SectionName = "Sessions";

    /// <summary>A session nobody used for this long ends. Each authenticated request slides it.</summary>
    public TimeSpan IdleTimeout { get; set; } = ServerSessionDefaults.IdleTimeout;

    /// <summary>A session ends this long after sign-in, however busy it is.</summary>
    public TimeSpan AbsoluteTimeout { get; set; } = ServerSessionDefaults.AbsoluteTimeout;

    /// <summary>The idle timeout of a session signed in with "Keep me signed in" (a persistent cookie).</summary>
    public TimeSpan PersistentIdleTimeout { get; set; } = ServerSessionDefaults.PersistentIdleTimeout;

    /// <summary>The absolute timeout of a session signed in with "Keep me signed in"; its cookie expires then too.</summary>
    public TimeSpan PersistentAbsoluteTimeout { get; set; } = ServerSessionDefaults.PersistentAbsoluteTimeout;

    /// <summary>How long a session may go unused: the persistent idle timeout for a "Keep me signed in" one.</summary>
    internal TimeSpan IdleTimeoutFor(bool persistent) => persistent ? PersistentIdleTimeout : IdleTimeout;

    /// <summary>The <c>__Host-</c> prefix makes browsers insist on Secure, Path=/ and no Domain.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_-]+$", ErrorMessage = "Sessions:CookieName may hold only letters, digits, '_' and '-'.")]
    public string CookieName { get; set; } = ServerSessionDefaults.CookieName;

    /// <summary>
    /// Mark the session and antiforgery cookies Secure (HTTPS only). On by default; the Development
    /// settings turn it off so that `dotnet run` on http://localhost works, with unprefixed cookie names.
    /// </summary>
    public bool SecureCookies { get; set; } = true;

    /// <summary>Prefix of every Redis key the app writes, so several apps can share one Redis.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_.-]+$", ErrorMessage = "Sessions:KeyPrefix may hold only letters, digits, '_', '.' and '-'.")]
    public string KeyPrefix { get; set; } = "sa";

    /// <summary>
    /// Optional base64 key (at least 32 bytes) that signs the session cookie. When empty, the key is
    /// created once and kept in the session store, so every instance on the same Redis shares it.
    /// </summary>
    public string? CookieKey { get; set; }

    /// <summary>
    /// Base64 keys that signed cookies before a rotation: accepted for verification only, while
    /// <see cref="CookieKey"/> signs. Rotate by moving the old key here and setting a new CookieKey;
    /// drop it once the longest session (AbsoluteTimeout) has passed.
    /// </summary>
    public string[] PreviousCookieKeys { get; set; } = [];

    /// <summary>
    /// Most live sessions one user may hold; a sign-in at the limit ends their least recently active
    /// session(s). 0 means no limit.
    /// </summary>
    [Range(0, int.MaxValue, ErrorMessage = "Sessions:MaxPerUser must be 0 (no limit) or more.")]
    public int MaxPerUser { get; set; }

    /// <summary>
    /// Most bytes of one session's <c>HttpContext.Session</c> data (keys' UTF-8 plus values). The data rides
    /// in every signed-in request's one Redis read, so it is kept small; a write past it is an exception
    /// for the page (<see cref="SessionDataTooLargeException"/>), never a silent drop.
    /// </summary>
    [Range(1, MaxDataBytesLimit, ErrorMessage = "Sessions:MaxDataBytes must be from 1 to 65536 (bytes of HttpContext.Session data per session, read with every signed-in request).")]
    public int MaxDataBytes { get; set; } = ServerSessionDefaults.MaxDataBytes;

    internal const int MaxDataBytesLimit = 65_536;

    /// <summary>
    /// How often a session is checked against the accounts database (security stamp, lockout, the user
    /// still existing): the first request after this much time since the last check does it.
    /// </summary>
    public TimeSpan ValidationInterval { get; set; } = ServerSessionDefaults.ValidationInterval;

    /// <summary>Shorter would be a database read on nearly every request.</summary>
    internal static readonly TimeSpan MinValidationInterval = TimeSpan.FromSeconds(1);

    /// <summary>Longer idle sessions are no longer "idle" protection; a bare number (days) lands here.</summary>
    internal static readonly TimeSpan MaxIdleTimeout = TimeSpan.FromDays(1);

    /// <summary>Beyond this a stolen cookie lives too long; "remember me" for a season at most.</summary>
    internal static readonly TimeSpan MaxAbsoluteTimeout = TimeSpan.FromDays(90);

    private const string TimeSpanHint =
        "Time spans are written hh:mm:ss (e.g. 00:20:00 for 20 minutes) or d.hh:mm:ss; a bare number such as 20 is read as days.";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var idleIsValid = IdleTimeout > TimeSpan.Zero && IdleTimeout <= MaxIdleTimeout;
        if (!idleIsValid)
        {
            yield return new ValidationResult(
                $"Sessions:IdleTimeout is {Show(IdleTimeout)}: it must be more than 00:00:00 and at most {Show(MaxIdleTimeout)} (1 day). {TimeSpanHint}",
                [nameof(IdleTimeout)]);
        }

        // Compared with the idle timeout only when that one is valid: one mistake, one line.
        if ((idleIsValid && AbsoluteTimeout < IdleTimeout) || AbsoluteTimeout <= TimeSpan.Zero || AbsoluteTimeout > MaxAbsoluteTimeout)
        {
            yield return new ValidationResult(
                $"Sessions:AbsoluteTimeout is {Show(AbsoluteTimeout)}: it must be at least Sessions:IdleTimeout ({Show(IdleTimeout)}) "
                + $"and at most {Show(MaxAbsoluteTimeout)} (90 days). {TimeSpanHint}",
                [nameof(AbsoluteTimeout)]);
        }

        var persistentIdleIsValid = PersistentIdleTimeout > TimeSpan.Zero && PersistentIdleTimeout <= MaxAbsoluteTimeout;
        if (!persistentIdleIsValid)
        {
            yield return new ValidationResult(
                $"Sessions:PersistentIdleTimeout is {Show(PersistentIdleTimeout)}: it must be more than 00:00:00 and at most {Show(MaxAbsoluteTimeout)} (90 days). {TimeSpanHint}",
                [nameof(PersistentIdleTimeout)]);
        }

        if ((persistentIdleIsValid && PersistentAbsoluteTimeout < PersistentIdleTimeout)
            || PersistentAbsoluteTimeout <= TimeSpan.Zero || PersistentAbsoluteTimeout > MaxAbsoluteTimeout)
        {
            yield return new ValidationResult(
                $"Sessions:PersistentAbsoluteTimeout is {Show(PersistentAbsoluteTimeout)}: it must be at least Sessions:PersistentIdleTimeout ({Show(PersistentIdleTimeout)}) "
                + $"and at most {Show(MaxAbsoluteTimeout)} (90 days). {TimeSpanHint}",
                [nameof(PersistentAbsoluteTimeout)]);
        }

        if (ValidationInterval < MinValidationInterval)
        {
            yield return new ValidationResult(
                $"Sessions:ValidationInterval is {Show(ValidationInterval)}: it must be at least {Show(MinValidationInterval)} (1 second). {TimeSpanHint}",
                [nameof(ValidationInterval)]);
        }

        if (!SecureCookies && CookieName.StartsWith("__Host-", StringComparison.Ordinal))
        {
            yield return new ValidationResult(
                "Sessions:CookieName starts with __Host-, which browsers accept only on Secure cookies: "
                + "keep Sessions:SecureCookies true or choose another name.", [nameof(CookieName)]);
        }

        if (!string.IsNullOrEmpty(CookieKey) && DecodeCookieKey(CookieKey) is null)
        {
            yield return new ValidationResult(
                "Sessions:CookieKey must be base64 of at least 32 bytes (e.g. `openssl rand -base64 32`).", [nameof(CookieKey)]);
        }

        for (var i = 0; i < PreviousCookieKeys.Length; i++)
        {
            // Never echo a key: the message says which entry, not what it holds.
            if (string.IsNullOrEmpty(PreviousCookieKeys[i]) || DecodeCookieKey(PreviousCookieKeys[i]) is null)
            {
                yield return new ValidationResult(
                    $"Sessions:PreviousCookieKeys:{i} must be base64 of at least 32 bytes, like Sessions:CookieKey.", [nameof(PreviousCookieKeys)]);
            }
        }
    }

    /// <summary>What the authentication scheme takes from these settings.</summary>
    internal void ConfigureScheme(ServerSessionSchemeOptions scheme)
    {
        scheme.CookieName = CookieName;
        scheme.SecureCookies = SecureCookies;
        scheme.AbsoluteTimeout = AbsoluteTimeout;
        scheme.PersistentAbsoluteTimeout = PersistentAbsoluteTimeout;
        scheme.ValidationInterval = ValidationInterval;
        scheme.MaxDataBytes = MaxDataBytes;
    }

    private static string Show(TimeSpan value) => value.ToString("c", System.Globalization.CultureInfo.InvariantCulture);

    internal static byte[]? DecodeCookieKey(string value)
    {
        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out var written) && written >= 32 ? buffer[..written] : null;
    }
}
