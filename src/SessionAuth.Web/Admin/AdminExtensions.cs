using SessionAuth.Web.Accounts;

namespace SessionAuth.Web.Admin;

internal static class AdminExtensions
{
    /// <summary>The authorization policy of everything under /Admin: the operators' role (<see cref="OperatorRole"/>).</summary>
    public const string Policy = "operators";

    /// <summary>The operators' console: who may open it, the user directory, and the actions on an account.</summary>
    public static WebApplicationBuilder AddAdminConsole(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.RequireAuthenticatedUser().RequireRole(OperatorRole.Name));
        builder.Services.AddScoped<UserDirectory>();
        builder.Services.AddScoped<OperatorActions>();
        return builder;
    }
}
