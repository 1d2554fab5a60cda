using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace SessionAuth.Web.Tokens;

/// <summary>
/// Settings of the token flow (section "Tokens"), validated at start. The signing key is checked here
/// too (<see cref="TokenSigningKey.TryLoad"/>), so a missing, short or unreadable key stops start-up
/// with one line naming <c>Tokens:SigningKey</c>. Development fills an empty key from a generated file
/// (<see cref="DevelopmentSigningKey"/>) before this runs.
/// </summary>
public sealed class TokenOptions : IValidatableObject
{
    public const string SectionName = "Tokens";
    public const string HS256 = "HS256";
    public const string ES256 = "ES256";

    /// <summary>Largest clock difference tolerated between the issuer and a validator.</summary>
    internal static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    /// <summary><c>HS256</c> (a shared secret, the default) or <c>ES256</c> (a P-256 key pair; the public key is published).</summary>
    public string Algorithm { get; set; } = HS256;

    /// <summary>HS256: base64 of at least 32 bytes. ES256: a PEM P-256 private key. Never committed.</summary>
    public string? SigningKey { get; set; }

    public string Issuer { get; set; } = "sessionauth";

    public string Audience { get; set; } = "sessionauth-api";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan RefreshIdleLifetime { get; set; } = TimeSpan.FromDays(1);

    public TimeSpan RefreshAbsoluteLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Look the grant up on every API request (one Redis EXISTS), so revocation stops access tokens at once.</summary>
    public bool CheckRevocation { get; set; }

    /// <summary>Development only: the file the generated key was read from (logged at start). Not a setting.</summary>
    internal string? DevelopmentKeyFile { get; set; }

    private const string TimeSpanHint = "Time spans are written hh:mm:ss or d.hh:mm:ss.";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.Equals(Algorithm, HS256, StringComparison.Ordinal) && !string.Equals(Algorithm, ES256, StringComparison.Ordinal))
        {
            yield return new ValidationResult($"Tokens:Algorithm must be {HS256} or {ES256}.", [nameof(Algorithm)]);
        }
        else if (!TokenSigningKey.TryLoad(this, out _, out var problem))
        {
            yield return new ValidationResult(problem, [nameof(SigningKey)]);
        }

        if (string.IsNullOrWhiteSpace(Issuer))
        {
            yield return new ValidationResult("Tokens:Issuer must not be empty.", [nameof(Issuer)]);
        }

        if (string.IsNullOrWhiteSpace(Audience))
        {
            yield return new ValidationResult("Tokens:Audience must not be empty.", [nameof(Audience)]);
        }

        if (AccessTokenLifetime < TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult(
                $"Tokens:AccessTokenLifetime is {Show(AccessTokenLifetime)}: it must be at least 00:00:01. {TimeSpanHint}", [nameof(AccessTokenLifetime)]);
        }

        var idleIsValid = RefreshIdleLifetime >= TimeSpan.FromSeconds(1);
        if (!idleIsValid)
        {
            yield return new ValidationResult(
                $"Tokens:RefreshIdleLifetime is {Show(RefreshIdleLifetime)}: it must be at least 00:00:01. {TimeSpanHint}", [nameof(RefreshIdleLifetime)]);
        }

        if (RefreshAbsoluteLifetime < TimeSpan.FromSeconds(1) || (idleIsValid && RefreshAbsoluteLifetime < RefreshIdleLifetime))
        {
            yield return new ValidationResult(
                $"Tokens:RefreshAbsoluteLifetime is {Show(RefreshAbsoluteLifetime)}: it must be at least Tokens:RefreshIdleLifetime ({Show(RefreshIdleLifetime)}). {TimeSpanHint}",
                [nameof(RefreshAbsoluteLifetime)]);
        }
    }

    private static string Show(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}

/// <summary>Settings of the JSON API (section "Api").</summary>
public sealed class ApiOptions : IValidatableObject
{
    public const string SectionName = "Api";

    /// <summary>Origins (scheme://host[:port]) whose pages may call /api from a browser. Empty: CORS is off.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>
    /// Requests one client address (an IPv4 address or an IPv6 /64) may make to <c>/api/auth/refresh</c> and
    /// <c>/api/auth/revoke</c> together per <see cref="RefreshWindow"/>; more get 429 with Retry-After. A client
    /// refreshes once per access-token lifetime, so the default leaves room for many behind one address.
    /// Setting: <c>Api:RefreshPermitLimit</c>, 1 to 1,000,000, default 60.
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "Api:RefreshPermitLimit must be between 1 and 1,000,000.")]
    public int RefreshPermitLimit { get; set; } = 60;

    /// <summary>The fixed window of <see cref="RefreshPermitLimit"/>. Setting: <c>Api:RefreshWindow</c>, 1 second to 1 day, default one minute.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Api:RefreshWindow must be between 00:00:01 and 1.00:00:00 (hh:mm:ss).")]
    public TimeSpan RefreshWindow { get; set; } = TimeSpan.FromMinutes(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < AllowedOrigins.Length; i++)
        {
            var origin = AllowedOrigins[i];
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
                || uri.PathAndQuery != "/" || origin.EndsWith('/') || !string.IsNullOrEmpty(uri.UserInfo))
            {
                yield return new ValidationResult(
                    $"Api:AllowedOrigins:{i} must be an origin such as https://app.example.com (scheme, host and optional port; no path, no trailing slash).",
                    [nameof(AllowedOrigins)]);
            }
        }
    }
}
