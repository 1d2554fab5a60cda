using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Accounts.Passkeys;

internal static class PasskeysExtensions
{
    /// <summary>The rate limiter policy of the pages that hand out a passkey challenge.</summary>
    public const string OptionsRateLimitPolicy = "passkey-options";

    /// <summary>
    /// Passkeys on Identity's passkey handler (registered by AddSignInManager), with the ceremonies' state in Redis
    /// when there is one, else in process; the relying party from App:PublicUrl (<see cref="PasskeyRelyingParty"/>).
    /// </summary>
    public static WebApplicationBuilder AddPasskeys(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<PasskeysOptions>().BindConfiguration(PasskeysOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IConfigureOptions<IdentityPasskeyOptions>, PasskeyRelyingParty>();
        if (builder.AddRedisConnection())
        {
            services.AddSingleton<IPasskeyCeremonyStore, RedisPasskeyCeremonyStore>();
        }
        else
        {
            services.AddSingleton<IPasskeyCeremonyStore, InMemoryPasskeyCeremonyStore>();
        }

        services.AddScoped<PasskeyCeremonies>();
        services.AddScoped<PasskeySignIn>();
        services.AddScoped<UserPasskeys>();

        // A challenge costs a record on the server: the anonymous page that hands them out is limited per client
        // address, in a bucket of its own so opening the login page does not spend the password form's budget.
        services.AddOptions<RazorPagesOptions>().PostConfigure(pages =>
            pages.Conventions.AddPageApplicationModelConvention(AppRoutes.PasskeyRequestOptions, page =>
                page.EndpointMetadata.Add(new EnableRateLimitingAttribute(OptionsRateLimitPolicy))));
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<PasskeysOptions>, IOptions<AccountEndpointOptions>>((limiter, passkeys, account) =>
            limiter.AddPolicy(OptionsRateLimitPolicy, context =>
                RateLimitPartition.GetFixedWindowLimiter(
                    AccountEndpointProtection.ClientKey(context.Connection.RemoteIpAddress) + "|passkey-options",
                    _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = passkeys.Value.OptionsPermitLimit,
                        Window = account.Value.Window,
                        QueueLimit = 0,
                    })));
        return builder;
    }
}
