using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// The session cookie-signing key in the accounts database (table CookieKeys), beside the Data
/// Protection key ring: a Redis flush or failover costs the signed-in sessions only, never the key.
/// </summary>
internal sealed class AccountsCookieKeyStore(IServiceScopeFactory scopes) : ICookieKeyStore
{
    private const string SessionCookieKeyName = "session-cookie";

    public string Name => "accounts database";

    public async Task<byte[]> GetOrAddCookieKeyAsync(byte[] candidate, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        try
        {
            if (await ReadAsync(db, cancellationToken) is { } stored)
            {
                return stored;
            }

            db.CookieKeys.Add(new CookieKeyRecord { Name = SessionCookieKeyName, Value = candidate });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return candidate;
            }
            catch (DbUpdateException ex) when (AccountsDatabaseErrors.IsUniqueViolation(ex))
            {
                // Another instance wrote its key between our read and our insert: everyone uses that one.
                return await ReadAsync(db, cancellationToken)
                    ?? throw new InvalidOperationException("The cookie key row vanished right after a conflicting insert.", ex);
            }
        }
        catch (Exception ex) when (ex is DbException or DbUpdateException)
        {
            // Same promise as an unreachable session store: nobody is signed in, the page says "try again".
            throw new SessionStoreUnavailableException("The accounts database could not be reached for the cookie key.", ex);
        }
    }

    private static Task<byte[]?> ReadAsync(AccountsDbContext db, CancellationToken cancellationToken) =>
        db.CookieKeys.AsNoTracking().Where(k => k.Name == SessionCookieKeyName).Select(k => k.Value).FirstOrDefaultAsync(cancellationToken);
}
