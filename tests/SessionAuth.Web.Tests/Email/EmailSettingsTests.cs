using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Email;

/// <summary>Mail settings are checked on start like every other setting, and no mail setting at all is needed to start.</summary>
public sealed class EmailSettingsTests
{
    [Theory]
    [InlineData("Email:Smtp:Port", "0", "Email:Smtp:Port must be a TCP port")]
    [InlineData("Email:Smtp:Security", "Tls", "Email:Smtp:Security must be None, StartTls")]
    [InlineData("Email:Smtp:Security", "1", "Email:Smtp:Security must be None, StartTls")]
    [InlineData("Email:From", "not an address", "Email:From must be one address")]
    [InlineData("Email:MaxAttempts", "0", "Email:MaxAttempts must be")]
    [InlineData("Email:RetentionDays", "0", "Email:RetentionDays must be")]
    [InlineData("Email:MaxPerRecipientPerHour", "0", "Email:MaxPerRecipientPerHour must be")]
    [InlineData("Email:Smtp:Timeout", "00:00:00", "Email:Smtp:Timeout must be")]
    [InlineData("App:PublicUrl", "ftp://sa.test", "App:PublicUrl must be an absolute http or https URL")]
    [InlineData("App:PublicUrl", "/relative", "App:PublicUrl must be an absolute http or https URL")]
    [InlineData("App:PublicUrl", "https://sa.test/?next=x", "App:PublicUrl must be an absolute http or https URL")]
    public void ABadMailSettingStopsStartUpAndNamesTheSetting(string key, string value, string message)
    {
        using var app = new SessionAuthApplication(null, new Dictionary<string, string?> { [key] = value });

        var error = Assert.ThrowsAny<Exception>(() => app.Server);

        Assert.Contains(Failures(error), failure => failure.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public void AMailServerOutsideDevelopmentNeedsAPublicUrlAndAFromAddress()
    {
        using var app = new SessionAuthApplication(null, new Dictionary<string, string?> { ["Email:Smtp:Host"] = "smtp.sa.test" });

        var error = Assert.ThrowsAny<Exception>(() => app.Server);

        var failures = Failures(error).ToList();
        Assert.Contains(failures, f => f.StartsWith("App:PublicUrl is required outside Development when Email:Smtp:Host is set", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Email:From is required when Email:Smtp:Host is set", StringComparison.Ordinal));
    }

    [Fact]
    public void InDevelopmentAMailServerStartsWithoutAPublicUrl()
    {
        using var app = new SessionAuthApplication(null, new Dictionary<string, string?>
        {
            ["environment"] = "Development",
            ["Email:Smtp:Host"] = "smtp.sa.test",
            ["Email:From"] = "no-reply@sa.test",
        });

        Assert.NotNull(app.Server);
        Assert.Contains(app.Logs.Entries, e => e.EventId.Id == 5003 && e.Level == LogLevel.Warning);
    }

    [Theory]
    [InlineData("Production", LogLevel.Warning)]
    [InlineData("Development", LogLevel.Information)]
    [InlineData("Testing", LogLevel.Warning)]
    public async Task WithNoMailSettingsTheAppStartsAndSaysWhereMailGoes(string environment, LogLevel level)
    {
        await using var app = new SessionAuthApplication(null, new Dictionary<string, string?> { ["environment"] = environment });
        using var client = app.CreateAppClient();

        var ready = await client.Http.GetAsync("/health/ready");

        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        var pickup = await WaitForLogAsync(app, 5001);
        Assert.Equal(level, pickup.Level);
        Assert.Contains(app.MailPickupDirectory, pickup.Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Warning, (await WaitForLogAsync(app, 5003)).Level);
    }

    [Fact]
    public void ThePasswordIsNeverPartOfAFailure()
    {
        using var app = new SessionAuthApplication(null, new Dictionary<string, string?>
        {
            ["Email:Smtp:Host"] = "smtp.sa.test",
            ["Email:From"] = "no-reply@sa.test",
            ["App:PublicUrl"] = "https://sa.test",
            ["Email:Smtp:Password"] = "hunter2-smtp-secret",
        });

        var error = Assert.ThrowsAny<Exception>(() => app.Server);

        var failures = Failures(error).ToList();
        Assert.Contains(failures, f => f.StartsWith("Email:Smtp:UserName and Email:Smtp:Password go together", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains("hunter2", StringComparison.Ordinal));
    }

    private static async Task<LogEntry> WaitForLogAsync(SessionAuthApplication app, int eventId)
    {
        for (var i = 0; i < 100; i++)
        {
            if (app.Logs.Entries.FirstOrDefault(e => e.EventId.Id == eventId) is { } entry)
            {
                return entry;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No log event {eventId} within 5 s.");
    }

    private static IEnumerable<string> Failures(Exception exception) => exception switch
    {
        OptionsValidationException validation => validation.Failures,
        AggregateException aggregate => aggregate.InnerExceptions.SelectMany(Failures),
        { InnerException: { } inner } => Failures(inner),
        _ => [],
    };
}
