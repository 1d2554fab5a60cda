using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Accounts.Passkeys;

internal static class PasskeysExtensions
{
    /// <summary>The rate limiter policy of the pages that hand out a passkey challenge, and of the passkeys page.</summary>
    public const string OptionsRateLimitPolicy = "passkey-options";

    /// <summary>The pages under <see cref="OptionsRateLimitPolicy"/>.</summary>
    public static readonly string[] LimitedPages = [AppRoutes.PasskeyRequestOptions, AppRoutes.PasskeyCreationOptions, AppRoutes.Passkeys];

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

        // A challenge costs a record on the server, and adding a passkey an attestation check and a write: the pages
        // that hand challenges out (signed in or not) and the passkeys page's changes are limited per client address,
        // each in a bucket of its own so opening the login page does not spend the password form's budget.
        services.AddOptions<RazorPagesOptions>().PostConfigure(pages =>
        {
            foreach (var route in LimitedPages)
            {
                pages.Conventions.AddPageApplicationModelConvention(route, page =>
                {
                    page.EndpointMetadata.Add(new EnableRateLimitingAttribute(OptionsRateLimitPolicy));
                    page.EndpointMetadata.Add(new RateLimitBucket(route));
                });
            }
        });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<PasskeysOptions>, IOptions<AccountEndpointOptions>>((limiter, passkeys, account) =>
            limiter.AddPolicy(OptionsRateLimitPolicy, context =>
                // Only posts: showing the passkeys page costs nothing, and every ceremony begins and ends with one.
                HttpMethods.IsPost(context.Request.Method)
                    ? RateLimitPartition.GetFixedWindowLimiter(
                        $"{AccountEndpointProtection.ClientKey(context.Connection.RemoteIpAddress)}|{context.GetEndpoint()?.Metadata.GetMetadata<RateLimitBucket>()?.Name}",
                        _ => new FixedWindowRateLimiterOptions
                        {
                            PermitLimit = passkeys.Value.OptionsPermitLimit,
                            Window = account.Value.Window,
                            QueueLimit = 0,
                        })
                    : RateLimitPartition.GetNoLimiter("")));
        return builder;
    }
}
