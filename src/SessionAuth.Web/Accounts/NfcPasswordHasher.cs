using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// Identity's PBKDF2 hasher on the NFC form of the password, so "é" typed as one code point or as
/// "e" + combining accent is the same password everywhere: registration, sign-in, change password
/// and the decoy check all pass through here. Hashes made before normalisation (of the password
/// as typed) still verify, and are rewritten in NFC at that sign-in.
/// </summary>
public sealed class NfcPasswordHasher(IOptions<PasswordHasherOptions>? options = null) : PasswordHasher<ApplicationUser>(options)
{
    public override string HashPassword(ApplicationUser user, string password) =>
        base.HashPassword(user, PasswordText.Normalize(password));

    public override PasswordVerificationResult VerifyHashedPassword(ApplicationUser user, string hashedPassword, string providedPassword)
    {
        var normalized = PasswordText.Normalize(providedPassword);
        var result = base.VerifyHashedPassword(user, hashedPassword, normalized);
        if (result != PasswordVerificationResult.Failed)
        {
            return result;
        }

        // Only passwords whose NFC differs from what was typed (or from their NFD) pay for a second try;
        // the decoy check goes through here too, so an unknown account costs the same.
        foreach (var legacy in PasswordText.LegacyForms(providedPassword, normalized))
        {
            if (base.VerifyHashedPassword(user, hashedPassword, legacy) != PasswordVerificationResult.Failed)
            {
                return PasswordVerificationResult.SuccessRehashNeeded;
            }
        }

        return PasswordVerificationResult.Failed;
    }
}
