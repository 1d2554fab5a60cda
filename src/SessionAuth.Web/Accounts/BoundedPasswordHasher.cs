using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// Runs the password hasher at most <see cref="PasswordHashingOptions.EffectiveConcurrency"/> at a
/// time. PBKDF2 at 210,000 iterations holds a core for about 100 ms; twenty sign-ins at once would
/// hold every core for two seconds and the Redis calls of every other request would time out. A
/// caller that waits longer than <see cref="PasswordHashingOptions.HashQueueTimeout"/> gets
/// <see cref="PasswordHashingBusyException"/> (a 503 with Retry-After), never a late or half answer.
/// </summary>
internal sealed class BoundedPasswordHasher(IPasswordHasher<ApplicationUser> inner, IOptions<PasswordHashingOptions> options)
    : IPasswordHasher<ApplicationUser>, IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.EffectiveConcurrency, options.Value.EffectiveConcurrency);
    private readonly TimeSpan _queueTimeout = options.Value.HashQueueTimeout;

    public string HashPassword(ApplicationUser user, string password)
    {
        Enter();
        try
        {
            return inner.HashPassword(user, password);
        }
        finally
        {
            _slots.Release();
        }
    }

    public PasswordVerificationResult VerifyHashedPassword(ApplicationUser user, string hashedPassword, string providedPassword)
    {
        Enter();
        try
        {
            return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();

    private void Enter()
    {
        if (!_slots.Wait(_queueTimeout))
        {
            throw new PasswordHashingBusyException(_queueTimeout);
        }
    }
}

internal static class PasswordHashingExtensions
{
    /// <summary>The NFC hasher behind a bounded gate; registered before Identity's own default hasher, which then stands aside.</summary>
    public static IServiceCollection AddBoundedPasswordHashing(this IServiceCollection services)
    {
        services.AddOptions<PasswordHashingOptions>().BindConfiguration(PasswordHashingOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<NfcPasswordHasher>();
        services.AddSingleton<IPasswordHasher<ApplicationUser>>(sp => new BoundedPasswordHasher(
            sp.GetRequiredService<NfcPasswordHasher>(), sp.GetRequiredService<IOptions<PasswordHashingOptions>>()));
        return services;
    }
}
