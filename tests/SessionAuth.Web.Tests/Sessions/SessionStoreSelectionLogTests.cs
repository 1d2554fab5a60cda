using Microsoft.Extensions.Logging;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Sessions;

/// <summary>The start-up log says which session store serves; the in-process one is a warning where it is likely a mistake.</summary>
public sealed class SessionStoreSelectionLogTests
{
    private const int StoreSelectedEventId = 2006;

    [Fact]
    public async Task TheInProcessStoreOutsideDevelopmentIsAWarning()
    {
        await using var app = new SessionAuthApplication(redisConnectionString: null);

        _ = app.Server;

        var selected = Assert.Single(app.Logs.Entries, e => e.EventId.Id == StoreSelectedEventId);
        Assert.Equal(LogLevel.Warning, selected.Level);
        Assert.Contains("in-process", selected.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__Redis", selected.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheInProcessStoreInDevelopmentIsInformation()
    {
        await using var app = new SessionAuthApplication(
            redisConnectionString: null, new Dictionary<string, string?> { ["environment"] = "Development" });

        _ = app.Server;

        var selected = Assert.Single(app.Logs.Entries, e => e.EventId.Id == StoreSelectedEventId);
        Assert.Equal(LogLevel.Information, selected.Level);
        Assert.Contains("in-process", selected.Message, StringComparison.Ordinal);
    }
}
