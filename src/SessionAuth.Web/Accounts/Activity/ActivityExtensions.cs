using SessionAuth.Web.Sessions;

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

        // What the session scheme ends by itself goes into the log of the user it belonged to.
        builder.Services.AddOptions<ServerSessionSchemeOptions>(ServerSessionDefaults.Scheme).PostConfigure(options =>
        {
            var evicted = options.Events.OnSessionsEvicted;
            options.Events.OnSessionsEvicted = async context =>
            {
                await evicted(context);
                var log = context.HttpContext.RequestServices.GetRequiredService<ActivityLog>();
                foreach (var session in context.Evicted)
                {
                    await log.RecordAsync(context.UserId, ActivityKind.SessionEndedByLimit, session.Record.ClientIp, session.Record.UserAgent,
                        $"last active {session.LastActiveAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture)}");
                }
            };
        });
        return builder;
    }
}
