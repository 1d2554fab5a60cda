using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace SessionAuth.Web.Email;

internal static class EmailExtensions
{
    /// <summary>
    /// The mail outbox on <typeparamref name="TContext"/> (which must map <see cref="OutboxMessage"/> with
    /// <see cref="OutboxMessageConfiguration"/> and add <see cref="OutboxCommitInterceptor"/> to its options), its
    /// background sender, and links on App:PublicUrl. Email knows no other folder's types: the accounts folder
    /// names its context here.
    /// </summary>
    public static WebApplicationBuilder AddEmail<TContext>(this WebApplicationBuilder builder)
        where TContext : DbContext
    {
        builder.Services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<EmailOptions>, EmailOptionsValidator>();
        builder.Services.AddOptions<AppOptions>().BindConfiguration(AppOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AppOptions>, AppOptionsValidator>();

        // Keyed with a key derived from the session cookie key (IKeyDerivation, registered by AddServerSessions).
        builder.Services.AddSingleton<EmailFingerprint>();
        builder.Services.AddSingleton<MailSignal>();
        builder.Services.AddSingleton<OutboxCommitInterceptor>();
        builder.Services.AddScoped<IMailOutbox, MailOutbox<TContext>>();
        builder.Services.AddSingleton<IPublicLinks, PublicLinks>();

        builder.Services.AddSingleton<MailMessageFactory>();
        builder.Services.AddSingleton<IMailTransport>(services =>
            services.GetRequiredService<IOptions<EmailOptions>>().Value.UsesSmtp
                ? ActivatorUtilities.CreateInstance<SmtpMailTransport>(services)
                : ActivatorUtilities.CreateInstance<PickupDirectoryTransport>(services));
        builder.Services.AddSingleton<OutboxSender<TContext>>();
        builder.Services.AddHostedService(services => services.GetRequiredService<OutboxSender<TContext>>());
        return builder;
    }
}
