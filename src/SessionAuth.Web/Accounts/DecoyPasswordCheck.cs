using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// Spends the same work as a real password check when there is no password to check (unknown
/// email, locked account), so response times do not tell which accounts exist (ASVS 2.2.x / 3.x).
/// </summary>
public sealed class DecoyPasswordCheck(IPasswordHasher<ApplicationUser> hasher)
{
    private readonly ApplicationUser _nobody = new();
    private readonly Lazy<string> _hash = new(() =>
        hasher.HashPassword(new ApplicationUser(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))));

    public void Verify(string password) => hasher.VerifyHashedPassword(_nobody, _hash.Value, password);

    /// <summary>The work of hashing a new password, where an answer must cost what creating an account costs.</summary>
    public void Hash(string password) => hasher.HashPassword(_nobody, password);
}
