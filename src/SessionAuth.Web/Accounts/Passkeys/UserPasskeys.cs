using System.Buffers.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace SessionAuth.Web.Accounts.Passkeys;

/// <summary>One passkey as the passkeys page shows it; <see cref="Id"/> is the credential id in base64url.</summary>
public sealed record PasskeyRow(string Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);

/// <summary>
/// A user's passkeys through Identity's UserManager (AspNetUserPasskeys), plus the one thing Identity does not
/// keep: when each last signed someone in (<see cref="PasskeyLastUsed"/>, a column of the same table).
/// </summary>
public sealed class UserPasskeys(UserManager<ApplicationUser> users, AccountsDbContext db, TimeProvider time)
{
    /// <summary>What a passkey is called when its owner gave it no name.</summary>
    public const string DefaultName = "Passkey";

    public const int MaxNameLength = 60;

    /// <summary>WebAuthn caps a credential id at 1023 bytes; Identity's column at 1024.</summary>
    private const int MaxCredentialIdBytes = 1024;

    public async Task<IReadOnlyList<PasskeyRow>> ListAsync(ApplicationUser user, CancellationToken cancellationToken)
    {
        var passkeys = await users.GetPasskeysAsync(user);
        var lastUsed = await db.UserPasskeys.AsNoTracking()
            .Where(p => p.UserId == user.Id)
            .Select(p => new { p.CredentialId, LastUsedAt = EF.Property<DateTimeOffset?>(p, PasskeyLastUsed.PropertyName) })
            .ToListAsync(cancellationToken);
        var byId = lastUsed.ToDictionary(p => Base64Url.EncodeToString(p.CredentialId), p => p.LastUsedAt, StringComparer.Ordinal);
        return [.. passkeys
            .Select(p => new PasskeyRow(Base64Url.EncodeToString(p.CredentialId), NameOf(p), p.CreatedAt, byId.GetValueOrDefault(Base64Url.EncodeToString(p.CredentialId))))
            .OrderBy(p => p.CreatedAt)];
    }

    /// <summary>A passkey's name, or <see cref="DefaultName"/>.</summary>
    public static string NameOf(UserPasskeyInfo passkey) => string.IsNullOrWhiteSpace(passkey.Name) ? DefaultName : passkey.Name;

    /// <summary>A name as typed: trimmed, control characters dropped, cut to <see cref="MaxNameLength"/>; null when nothing is left.</summary>
    public static string? CleanName(string? name)
    {
        var kept = new string((name ?? "").Where(c => !char.IsControl(c)).ToArray()).Trim();
        return kept.Length == 0 ? null : kept.Length > MaxNameLength ? kept[..MaxNameLength].TrimEnd() : kept;
    }

    /// <summary>The credential id a form posted, or null when it is not one this page could have written.</summary>
    public static byte[]? ParseId(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > Base64Url.GetEncodedLength(MaxCredentialIdBytes))
        {
            return null;
        }

        try
        {
            var bytes = Base64Url.DecodeFromChars(id);
            // Only the canonical spelling: the row's id is written by this page, so anything else was made up.
            return bytes.Length > 0 && Base64Url.EncodeToString(bytes) == id ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public async Task<UserPasskeyInfo?> FindAsync(ApplicationUser user, byte[] credentialId) =>
        await users.GetPasskeyAsync(user, credentialId);

    public async Task<bool> RenameAsync(ApplicationUser user, byte[] credentialId, string? name)
    {
        var passkey = await users.GetPasskeyAsync(user, credentialId);
        if (passkey is null)
        {
            return false;
        }

        passkey.Name = CleanName(name);
        return (await users.AddOrUpdatePasskeyAsync(user, passkey)).Succeeded;
    }

    /// <summary>Removes it from the account: the next sign-in with it finds no such passkey. Sessions and the security stamp stay.</summary>
    public async Task<UserPasskeyInfo?> RemoveAsync(ApplicationUser user, byte[] credentialId)
    {
        var passkey = await users.GetPasskeyAsync(user, credentialId);
        if (passkey is null || !(await users.RemovePasskeyAsync(user, credentialId)).Succeeded)
        {
            return null;
        }

        return passkey;
    }

    /// <summary>Keeps what a sign-in with the passkey taught (its signature counter, backup state) and when it happened.</summary>
    public async Task<bool> RecordUseAsync(ApplicationUser user, UserPasskeyInfo passkey, CancellationToken cancellationToken)
    {
        if (!(await users.AddOrUpdatePasskeyAsync(user, passkey)).Succeeded)
        {
            return false;
        }

        var credentialId = passkey.CredentialId;
        var now = time.GetUtcNow();
        await db.UserPasskeys
            .Where(p => p.UserId == user.Id && p.CredentialId == credentialId)
            .ExecuteUpdateAsync(set => set.SetProperty(p => EF.Property<DateTimeOffset?>(p, PasskeyLastUsed.PropertyName), now), cancellationToken);
        return true;
    }
}

/// <summary>The column beside Identity's passkey data that says when a passkey last signed someone in.</summary>
public static class PasskeyLastUsed
{
    public const string PropertyName = "LastUsedAt";
}
