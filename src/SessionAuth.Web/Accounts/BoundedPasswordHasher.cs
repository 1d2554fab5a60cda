using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// Runs the password hasher at most <see cref="PasswordHashingOptions.EffectiveConcurrency"/> at a
/// time. PBKDF2 at 210,000 iterations holds a core for about 100 ms; twenty sign-ins at once would
/// hold every core for two seconds and the Redis calls of every other request would time out. Each
/// hash runs in a slot of <see cref="PasswordHashingGate"/>: the one its request reserved
/// (<see cref="PasswordHashingFilter"/>), else one waited for here, and frees it as soon as it returns.
/// A caller that waits longer than <see cref="PasswordHashingOptions.HashQueueTimeout"/> gets
/// <see cref="PasswordHashingBusyException"/> (a 503 with Retry-After), never a late or half answer.
/// </summary>
internal sealed class BoundedPasswordHasher(IPasswordHasher<ApplicationUser> inner, PasswordHashingGate gate)
    : IPasswordHasher<ApplicationUser>
{
    public string HashPassword(ApplicationUser user, string password) =>
        gate.Run(() => inner.HashPassword(user, password));

    public PasswordVerificationResult VerifyHashedPassword(ApplicationUser user, string hashedPassword, string providedPassword) =>
        gate.Run(() => inner.VerifyHashedPassword(user, hashedPassword, providedPassword));
}

internal static class PasswordHashingExtensions
{
    /// <summary>The NFC hasher behind a bounded gate; registered before Identity's own default hasher, which then stands aside.</summary>
    public static IServiceCollection AddBoundedPasswordHashing(this IServiceCollection services)
    {
        services.AddOptions<PasswordHashingOptions>().BindConfiguration(PasswordHashingOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PasswordHashingGate>();
        services.AddSingleton<PasswordHashingFilter>();
        services.AddSingleton<NfcPasswordHasher>();
        services.AddSingleton<IPasswordHasher<ApplicationUser>>(sp => new BoundedPasswordHasher(
            sp.GetRequiredService<NfcPasswordHasher>(), sp.GetRequiredService<PasswordHashingGate>()));
        // PostConfigure: AddRazorPages replaces the convention collection when it configures its options.
        services.AddOptions<RazorPagesOptions>().PostConfigure(pages =>
        {
            foreach (var route in AppRoutes.PasswordForms)
            {
                pages.Conventions.AddPageApplicationModelConvention(route,
                    page => page.Filters.Add(new ServiceFilterAttribute(typeof(PasswordHashingFilter))));
            }
        });
        return services;
    }
}
