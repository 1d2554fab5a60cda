using Microsoft.AspNetCore.Identity;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Accounts.TwoFactor;

internal static class TwoFactorExtensions
{
    /// <summary>
    /// Authenticator-app two-factor on Identity's TOTP provider and recovery codes, with the pending second step
    /// and the used codes beside the sessions (Redis, or this process without Redis).
    /// </summary>
    public static WebApplicationBuilder AddTwoFactor(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TwoFactorOptions>().BindConfiguration(TwoFactorOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        if (builder.AddRedisConnection())
        {
            services.AddSingleton<ITwoFactorStore, RedisTwoFactorStore>();
        }
        else
        {
            services.AddSingleton<ITwoFactorStore, InMemoryTwoFactorStore>();
        }

        // Identity's authenticator provider (RFC 6238, under TokenOptions.DefaultAuthenticatorProvider, the name
        // IdentityOptions.Tokens.AuthenticatorTokenProvider already holds); AddIdentityCore registers no providers.
        new IdentityBuilder(typeof(ApplicationUser), typeof(IdentityRole), services)
            .AddTokenProvider<AuthenticatorTokenProvider<ApplicationUser>>(TokenOptions.DefaultAuthenticatorProvider);
        // Registered after AddEntityFrameworkStores, so UserManager gets this one: recovery codes stored hashed.
        services.AddScoped<IUserStore<ApplicationUser>, HashedRecoveryCodeUserStore>();
        services.AddScoped<TwoFactorCodes>();
        services.AddScoped<PendingSignInFlow>();
        return builder;
    }
}
