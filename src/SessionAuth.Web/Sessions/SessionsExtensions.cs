using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Sessions;

internal static class SessionsExtensions
{
    /// <summary>
    /// Server-side sessions: Redis when ConnectionStrings:Redis is set, else the in-process store.
    /// The Data Protection key ring and the cookie key live in the accounts database (AddAccounts), not here:
    /// losing Redis data must cost the signed-in sessions only.
    /// </summary>
    public static WebApplicationBuilder AddServerSessions(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ServerSessionOptions>().BindConfiguration(ServerSessionOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();

        services.AddDataProtection().SetApplicationName("SessionAuth");
        if (builder.AddRedisConnection())
        {
            services.AddSingleton<ISessionStore, RedisSessionStore>();
        }
        else
        {
            services.AddSingleton<ISessionStore, InMemorySessionStore>();
        }

        // The default scheme: pages sign in, out and challenge through it without naming it.
        services.AddAuthentication(ServerSessionDefaults.Scheme)
            .AddServerSession(scheme => scheme.LoginPath = AppRoutes.Login);
        services.AddOptions<ServerSessionSchemeOptions>(ServerSessionDefaults.Scheme)
            .Configure<IOptions<ServerSessionOptions>>((scheme, settings) => settings.Value.ConfigureScheme(scheme));
        services.AddAuthorization();
        return builder;
    }

    public static WebApplication UseServerSessions(this WebApplication app)
    {
        var store = app.Services.GetRequiredService<ISessionStore>();
        if (store is RedisSessionStore)
        {
            SessionLog.StoreSelected(app.Logger, LogLevel.Information, store.Name, "Sessions are shared by every instance on this Redis.");
        }
        else
        {
            // Fine on a developer's machine; anywhere else it usually means a forgotten connection string.
            SessionLog.StoreSelected(app.Logger, app.Environment.IsDevelopment() ? LogLevel.Information : LogLevel.Warning, store.Name,
                "Sessions live in this process only: they end when it stops and other instances cannot see them. Set ConnectionStrings__Redis to use Redis.");
        }

        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
