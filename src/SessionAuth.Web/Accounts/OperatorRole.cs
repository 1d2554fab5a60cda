using System.Data.Common;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// The operators' role follows <see cref="AdminOptions.Emails"/>: given to the listed accounts, taken from every
/// other. Applied to every account at start-up (<see cref="ApplyAtStartAsync"/>), and to one account whenever its
/// roles are read for a session or a token (<see cref="RolesOfAsync"/>: sign-in and each re-validation), so an
/// account registered after start-up with a listed address holds it from its first sign-in, and a holder whose
/// address left the list loses it at their session's next validation. The roles ride in the session record:
/// no request between validations asks the database. A listed address counts only once confirmed
/// (<see cref="AdminOptions.ConfirmationRequired"/>, on wherever mail really goes out): registration need not
/// confirm it, so anyone could otherwise register an operator's address that has no account yet.
/// </summary>
public sealed class OperatorRole(
    UserManager<ApplicationUser> users,
    IOptions<AdminOptions> options,
    IOptions<Email.EmailOptions> email,
    ILogger<OperatorRole> logger)
{
    private readonly bool _confirmationRequired = options.Value.ConfirmationRequired(email.Value);

    public const string Name = "Admin";

    private HashSet<string>? _listed;

    /// <summary>The listed addresses as Identity normalizes them (so one comparison serves every spelling).</summary>
    private HashSet<string> Listed => _listed ??= Normalize(options.Value.Emails, users);

    public bool IsListed(ApplicationUser user) =>
        (user.EmailConfirmed || !_confirmationRequired) && user.NormalizedEmail is { } address && Listed.Contains(address);

    /// <summary>
    /// The user's roles with <see cref="Name"/> as the list says. The database is brought in line when it differs;
    /// that write is best effort (logged on failure), and the answer follows the list either way.
    /// </summary>
    public async Task<IReadOnlyList<string>> RolesOfAsync(ApplicationUser user)
    {
        var stored = await users.GetRolesAsync(user);
        var listed = IsListed(user);
        var holds = stored.Contains(Name, StringComparer.OrdinalIgnoreCase);
        if (listed != holds)
        {
            await StoreAsync(user, listed);
        }

        var roles = stored.Where(role => !string.Equals(role, Name, StringComparison.OrdinalIgnoreCase)).ToList();
        if (listed)
        {
            roles.Add(Name);
        }

        return roles;
    }

    private async Task StoreAsync(ApplicationUser user, bool give)
    {
        try
        {
            var result = give ? await users.AddToRoleAsync(user, Name) : await users.RemoveFromRoleAsync(user, Name);
            if (!result.Succeeded)
            {
                AccountsLog.OperatorRoleNotStored(logger, user.Id, string.Join(" ", result.Errors.Select(e => e.Code)), null);
            }
        }
        catch (Exception ex) when (ex is DbException or DbUpdateException or InvalidOperationException)
        {
            // Another instance stored the same change first, or the role row is missing: the session's
            // roles still follow the list, and the next validation tries again.
            AccountsLog.OperatorRoleNotStored(logger, user.Id, ex.GetType().Name, ex);
        }
    }

    /// <summary>
    /// At start-up, before serving: the role exists, every listed account holds it and no other does. Each change
    /// in a scope of its own, so one lost race with another instance starting at once spoils no other change.
    /// </summary>
    public static async Task ApplyAtStartAsync(IServiceProvider services, ILogger logger, CancellationToken cancellationToken = default)
    {
        await using (var scope = services.CreateAsyncScope())
        {
            var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
            if (!await roles.RoleExistsAsync(Name))
            {
                try
                {
                    await roles.CreateAsync(new IdentityRole(Name));
                }
                catch (DbUpdateException)
                {
                    // Another instance created it at the same moment.
                }
            }
        }

        List<(string Id, bool Give)> changes;
        int listedCount;
        await using (var scope = services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var admin = scope.ServiceProvider.GetRequiredService<IOptions<AdminOptions>>().Value;
            var listed = Normalize(admin.Emails, users).ToList();
            var confirmationRequired = admin.ConfirmationRequired(scope.ServiceProvider.GetRequiredService<IOptions<Email.EmailOptions>>().Value);
            if (listed.Count > 0 && !confirmationRequired)
            {
                AccountsLog.OperatorAddressesUnconfirmed(logger);
            }

            var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
            var roleId = await db.Roles.Where(r => r.NormalizedName == users.NormalizeName(Name)).Select(r => r.Id).SingleAsync(cancellationToken);
            var holders = db.UserRoles.Where(ur => ur.RoleId == roleId).Select(ur => ur.UserId);
            // The same rule as IsListed, as a query.
            var entitled = db.Users.Where(u => (u.EmailConfirmed || !confirmationRequired) && listed.Contains(u.NormalizedEmail!)).Select(u => u.Id);
            var toGive = await entitled.Where(id => !holders.Contains(id)).ToListAsync(cancellationToken);
            var toTake = await holders.Where(id => !entitled.Contains(id)).ToListAsync(cancellationToken);
            listedCount = await entitled.CountAsync(cancellationToken);
            changes = [.. toGive.Select(id => (id, true)), .. toTake.Select(id => (id, false))];
        }

        foreach (var (id, give) in changes)
        {
            await using var scope = services.CreateAsyncScope();
            var role = scope.ServiceProvider.GetRequiredService<OperatorRole>();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            if (await users.FindByIdAsync(id) is { } user)
            {
                await role.StoreAsync(user, give);
            }
        }

        AccountsLog.OperatorRoleApplied(logger, listedCount, changes.Count(c => c.Give), changes.Count(c => !c.Give));
    }

    private static HashSet<string> Normalize(IEnumerable<string> emails, UserManager<ApplicationUser> users) =>
        emails.Select(email => users.NormalizeEmail(email.Trim())).ToHashSet(StringComparer.Ordinal);
}
