using System.Security.Cryptography;
using System.Text;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Email;

/// <summary>
/// A short fingerprint of an email for logs: HMAC-SHA256 under a key derived from this
/// deployment's cookie key, so the same email reads the same in every log line of the deployment,
/// but a list of emails cannot be hashed to find who it was (a plain SHA-256 could be).
/// </summary>
public sealed class EmailFingerprint(IKeyDerivation keys)
{
    // Named when this lived in Accounts; kept, so fingerprints in older logs still match.
    private const string Purpose = "SessionAuth.Accounts.EmailFingerprint.v1";
    private const int HexLength = 12;

    private byte[]? _key;

    /// <summary>The fingerprint, or "unavailable" while the store that holds the shared cookie key cannot be reached.</summary>
    public async ValueTask<string> OfAsync(string? email, CancellationToken cancellationToken = default)
    {
        var key = Volatile.Read(ref _key);
        if (key is null)
        {
            try
            {
                key = await keys.DeriveKeyAsync(Purpose, cancellationToken);
            }
            catch (ServiceUnavailableException)
            {
                // Logging a failed sign-in must not fail the request; the next one tries again.
                return "unavailable";
            }

            Volatile.Write(ref _key, key);
        }

        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes((email ?? "").Trim().ToUpperInvariant()));
        return Convert.ToHexStringLower(mac)[..HexLength];
    }
}
