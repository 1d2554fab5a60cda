using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;

namespace SessionAuth.Web.Accounts.TwoFactor;

/// <summary>
/// Identity's EF store keeps recovery codes as plain text in AspNetUserTokens: a copy of the database would sign in
/// past the second factor. This store keeps their SHA-256 instead (each code holds about 47 random bits, far beyond a
/// guess at a server that locks out; a hash needs no salt or stretching for that), and compares in fixed time.
/// Codes are compared without case, spaces or hyphens, so "abcde 12345" redeems "ABCDE-12345".
/// </summary>
internal sealed class HashedRecoveryCodeUserStore(AccountsDbContext context, IdentityErrorDescriber? describer = null)
    : UserStore<ApplicationUser, IdentityRole, AccountsDbContext>(context, describer)
{
    private const string Provider = "[AspNetUserStore]";
    private const string Name = "RecoveryCodes";
    private const char Separator = ';';

    public override Task ReplaceCodesAsync(ApplicationUser user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken) =>
        SetTokenAsync(user, Provider, Name, string.Join(Separator, recoveryCodes.Select(Hash)), cancellationToken);

    public override async Task<bool> RedeemCodeAsync(ApplicationUser user, string code, CancellationToken cancellationToken)
    {
        // The list as it is now, not as this scope read it earlier: another request may have redeemed a code since,
        // and writing the older list back would make that code work again. Read after the user (whose stamp the
        // save checks), a redeem that lands in between fails this one's save instead.
        var tracked = Context.ChangeTracker.Entries<IdentityUserToken<string>>().FirstOrDefault(entry =>
            entry.Entity.UserId == user.Id && entry.Entity.LoginProvider == Provider && entry.Entity.Name == Name);
        if (tracked is not null)
        {
            await tracked.ReloadAsync(cancellationToken);
        }

        var stored = await StoredAsync(user, cancellationToken);
        var presented = Encoding.ASCII.GetBytes(Hash(code));
        // Every entry is compared, so the time taken says nothing about which one matched.
        var match = -1;
        for (var i = 0; i < stored.Count; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored[i]), presented))
            {
                match = i;
            }
        }

        if (match < 0)
        {
            return false;
        }

        stored.RemoveAt(match);
        await SetTokenAsync(user, Provider, Name, string.Join(Separator, stored), cancellationToken);
        return true;
    }

    public override async Task<int> CountCodesAsync(ApplicationUser user, CancellationToken cancellationToken) =>
        (await StoredAsync(user, cancellationToken)).Count;

    private async Task<List<string>> StoredAsync(ApplicationUser user, CancellationToken cancellationToken) =>
        [.. ((await GetTokenAsync(user, Provider, Name, cancellationToken)) ?? "").Split(Separator, StringSplitOptions.RemoveEmptyEntries)];

    internal static string Hash(string code)
    {
        var canonical = code.Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        return Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}
