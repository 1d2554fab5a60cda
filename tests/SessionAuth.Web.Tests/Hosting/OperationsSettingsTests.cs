using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Hosting;

/// <summary>The operations settings are checked at start-up like every other: a bad one names itself.</summary>
public sealed class OperationsSettingsTests
{
    [Theory]
    [InlineData("Hosting:ShutdownTimeout", "00:00:00", "Hosting:ShutdownTimeout must be between 1 second and 10 minutes")]
    [InlineData("Hosting:ShutdownTimeout", "01:00:00", "Hosting:ShutdownTimeout must be between 1 second and 10 minutes")]
    [InlineData("Accounts:Passwords:HashQueueTimeout", "00:00:00", "Accounts:Passwords:HashQueueTimeout must be between 100 ms and 5 minutes")]
    [InlineData("Accounts:Passwords:HashConcurrency", "-1", "Accounts:Passwords:HashConcurrency must be between 0")]
    public void ABadOperationsSettingStopsStartUpAndNamesTheSetting(string key, string value, string message)
    {
        using var app = new SessionAuthApplication(null, new Dictionary<string, string?> { [key] = value });

        var error = Assert.ThrowsAny<Exception>(() => app.Server);

        Assert.Contains(Flatten(error), e => e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void TheShutdownTimeoutSettingBecomesTheHostsShutdownTimeout()
    {
        using var app = new SessionAuthApplication(null, new Dictionary<string, string?> { ["Hosting:ShutdownTimeout"] = "00:00:07" });

        var host = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.Extensions.Hosting.HostOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(7), host.ShutdownTimeout);
    }

    private static IEnumerable<Exception> Flatten(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }

        if (exception is AggregateException aggregate)
        {
            foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
            {
                yield return inner;
            }
        }
    }
}
