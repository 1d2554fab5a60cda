using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using SessionAuth.Bench.Hosting;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Bench;

/// <summary>
/// The app's own services, in this process (no server): its session store, Identity and password
/// hasher, with the same settings as the bench's app instances. Starting it runs the app's start-up,
/// so it also migrates the accounts database before the instances start side by side.
/// </summary>
internal sealed class AppServices : IAsyncDisposable
{
    private readonly BenchApplication _app;

    private AppServices(BenchApplication app) => _app = app;

    public ISessionStore Store => _app.Services.GetRequiredService<ISessionStore>();

    public static AppServices Start(IReadOnlyDictionary<string, string> settings)
    {
        // The product's own mode: only its services are used, and no server listens.
        var app = new BenchApplication(AuthMode.ServerSession, port: null, settings);
        _ = app.Services;
        return new AppServices(app);
    }

    public async Task<string> UserIdAsync(string email)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return (await users.FindByEmailAsync(email) ?? throw new BenchException($"{email} is not registered.")).Id;
    }

    public async Task AddRolesAsync(string email, int count)
    {
        await using var scope = _app.Services.CreateAsyncScope();
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

    /// <summary>
    /// Adds <paramref name="count"/> accounts named <c>{prefix}00000@bench.example</c> onward straight into the
    /// accounts database, in batches, without password hashes (nobody signs in as them: they fill a list).
    /// </summary>
    public async Task AddUsersAsync(string prefix, int count, CancellationToken cancellationToken)
    {
        const int batch = 1_000;
        for (var start = 0; start < count; start += batch)
        {
            await using var scope = _app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
            var normalizer = scope.ServiceProvider.GetRequiredService<ILookupNormalizer>();
            db.Users.AddRange(Enumerable.Range(start, Math.Min(batch, count - start)).Select(i =>
            {
                var email = string.Create(CultureInfo.InvariantCulture, $"{prefix}{i:00000}@bench.example");
                return new ApplicationUser
                {
                    UserName = email,
                    NormalizedUserName = normalizer.NormalizeName(email),
                    Email = email,
                    NormalizedEmail = normalizer.NormalizeEmail(email),
                    SecurityStamp = Guid.NewGuid().ToString("N"),
                    LockoutEnabled = true,
                };
            }));
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>Median milliseconds of one VerifyHashedPassword with the app's hasher and options.</summary>
    public (double MedianMs, string Description) TimePasswordCheck(string password, int samples)
    {
        var hasher = _app.Services.GetRequiredService<IPasswordHasher<ApplicationUser>>();
        var options = _app.Services.GetRequiredService<IOptions<PasswordHasherOptions>>().Value;
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

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new BenchException($"{what} failed: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }
}
