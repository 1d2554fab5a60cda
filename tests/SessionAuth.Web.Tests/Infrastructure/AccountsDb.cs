using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>What the app wrote, read back from the real accounts database (SQLite or PostgreSQL) and the real session store.</summary>
internal static class AccountsDb
{
    public sealed record UserRow(string Id, int AccessFailedCount, DateTimeOffset? LockoutEnd, string PasswordHash);

    public static async Task<IReadOnlyList<UserRow>> UsersWithEmailAsync(SessionAuthApplication app, string email)
    {
        // A fresh context of its own reads what is committed, whichever provider the app runs on.
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        var normalized = email.ToUpperInvariant();
        return await db.Users.AsNoTracking().Where(u => u.NormalizedEmail == normalized)
            .Select(u => new UserRow(u.Id, u.AccessFailedCount, u.LockoutEnd, u.PasswordHash!))
            .ToListAsync();
    }

    public static async Task<UserRow> UserAsync(SessionAuthApplication app, string email) =>
        Assert.Single(await UsersWithEmailAsync(app, email));

    /// <summary>The user's whole row as the accounts database holds it now (email, user name, confirmation, stamp, lockout).</summary>
    public static async Task<ApplicationUser?> FindUserByIdAsync(SessionAuthApplication app, string userId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        return await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId);
    }

    /// <summary>The kinds of the user's activity rows, oldest first.</summary>
    public static async Task<IReadOnlyList<Web.Accounts.Activity.ActivityKind>> ActivityKindsAsync(SessionAuthApplication app, string userId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        return await db.ActivityEvents.AsNoTracking().Where(e => e.UserId == userId).OrderBy(e => e.Id).Select(e => e.Kind).ToListAsync();
    }

    /// <summary>The shared session cookie-signing key as the accounts database holds it (null before any instance wrote one).</summary>
    public static async Task<byte[]?> CookieKeyAsync(SessionAuthApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        return await db.CookieKeys.AsNoTracking().Select(k => k.Value).SingleOrDefaultAsync();
    }

    /// <summary>Overwrites the stored cookie key, as a restored backup or someone with write access would.</summary>
    public static async Task ReplaceCookieKeyAsync(SessionAuthApplication app, byte[] key)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        Assert.Equal(1, await db.CookieKeys.ExecuteUpdateAsync(set => set.SetProperty(k => k.Value, key)));
    }

    /// <summary>The Data Protection keys (antiforgery, TempData) in the accounts database.</summary>
    public static async Task<IReadOnlyList<string?>> DataProtectionKeyNamesAsync(SessionAuthApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        return await db.DataProtectionKeys.AsNoTracking().Select(k => k.FriendlyName).ToListAsync();
    }

    /// <summary>The user's live sessions, as the store lists them (whatever its key layout).</summary>
    public static async Task<int> SessionCountAsync(SessionAuthApplication app, string userId) =>
        (await app.Services.GetRequiredService<ISessionStore>().ListByUserAsync(userId)).Count;
}
