using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Bench;

/// <summary>
/// The app's own account services (its AddAccounts, its appsettings.json and environment), so the
/// bench hashes at the strength the app is configured with and gives a user roles the way the app would.
/// </summary>
internal sealed class IdentityServices(WebApplication host) : IAsyncDisposable
{
    public ServerSessionOptions SessionOptions { get; } =
        host.Configuration.GetSection(ServerSessionOptions.SectionName).Get<ServerSessionOptions>() ?? new ServerSessionOptions();

    public static IdentityServices Create(string contentRoot, string databasePath)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = contentRoot,
            EnvironmentName = "Production",
        });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Accounts"] = $"Data Source={databasePath}",
        });
        builder.AddAccounts();
        return new IdentityServices(builder.Build());
    }

    public Task MigrateAsync() => host.MigrateAccountsDatabaseAsync();

    public async Task AddRolesAsync(string email, int count)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var names = Enumerable.Range(1, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"Reports.Region{i:00}.Viewer")).ToList();
        foreach (var name in names)
        {
            Check(await roles.CreateAsync(new IdentityRole(name)), $"creating role {name}");
        }

        var user = await users.FindByEmailAsync(email) ?? throw new BenchException($"{email} is not registered.");
        Check(await users.AddToRolesAsync(user, names), $"adding {count} roles to {email}");
    }

    /// <summary>Median milliseconds of one VerifyHashedPassword with the app's hasher and options.</summary>
    public (double MedianMs, string Description) TimePasswordCheck(string password, int samples)
    {
        var hasher = host.Services.GetRequiredService<IPasswordHasher<ApplicationUser>>();
        var options = host.Services.GetRequiredService<IOptions<PasswordHasherOptions>>().Value;
        var user = new ApplicationUser();
        var hash = hasher.HashPassword(user, password);
        var times = new List<double>();
        for (var i = 0; i < samples + 1; i++)
        {
            var clock = Stopwatch.StartNew();
            var result = hasher.VerifyHashedPassword(user, hash, password);
            if (result == PasswordVerificationResult.Failed)
            {
                throw new BenchException("The app's password hasher rejected the password it had just hashed.");
            }

            if (i > 0)
            {
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        var description = hasher is PasswordHasher<ApplicationUser> && options.CompatibilityMode == PasswordHasherCompatibilityMode.IdentityV3
            ? string.Create(CultureInfo.InvariantCulture, $"PBKDF2-HMAC-SHA512, {options.IterationCount:N0} iterations (the app's PasswordHasherOptions)")
            : $"{hasher.GetType().Name} as the app configures it";
        return (Stats.Median(times), description);
    }

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new BenchException($"{what} failed: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }
}
