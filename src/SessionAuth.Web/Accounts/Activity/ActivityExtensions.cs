namespace SessionAuth.Web.Accounts.Activity;

internal static class ActivityExtensions
{
    /// <summary>The activity log (its table lives in the accounts database) and its retention.</summary>
    public static WebApplicationBuilder AddActivityLog(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ActivityOptions>().BindConfiguration(ActivityOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<ActivityLog>();
        builder.Services.AddSingleton<ActivityRetentionService>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ActivityRetentionService>());
        return builder;
    }
}
