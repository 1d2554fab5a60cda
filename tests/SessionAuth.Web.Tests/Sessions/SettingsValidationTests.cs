using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Sessions;

/// <summary>A bad setting stops start-up with a message that names the setting.</summary>
public sealed class SettingsValidationTests
{
    [Theory]
    [InlineData("Sessions:IdleTimeout", "-00:00:01", "Sessions:IdleTimeout")]
    [InlineData("Sessions:AbsoluteTimeout", "00:01:00", "Sessions:AbsoluteTimeout")]
    [InlineData("Sessions:CookieName", "bad name;", "Sessions:CookieName")]
    [InlineData("Sessions:SecureCookies", "false", "Sessions:CookieName")]
    [InlineData("Sessions:CookieKey", "c2hvcnQ=", "Sessions:CookieKey")]
    [InlineData("Sessions:KeyPrefix", "a{b}", "Sessions:KeyPrefix")]
    [InlineData("Sessions:PreviousCookieKeys:0", "c2hvcnQ=", "Sessions:PreviousCookieKeys:0")]
    [InlineData("Redis:OperationTimeout", "00:10:00", "Redis:OperationTimeout")]
    [InlineData("Sessions:ValidationInterval", "00:00:00.5", "Sessions:ValidationInterval")]
    [InlineData("Sessions:ValidationInterval", "-00:05:00", "Sessions:ValidationInterval")]
    [InlineData("Sessions:MaxPerUser", "-1", "Sessions:MaxPerUser")]
    [InlineData("Sessions:MaxDataBytes", "0", "Sessions:MaxDataBytes")]
    [InlineData("Sessions:MaxDataBytes", "1000000", "Sessions:MaxDataBytes")]
    [InlineData("Sessions:PersistentIdleTimeout", "00:00:00", "Sessions:PersistentIdleTimeout")]
    [InlineData("Sessions:PersistentIdleTimeout", "91", "Sessions:PersistentIdleTimeout")]
    [InlineData("Sessions:PersistentAbsoluteTimeout", "91", "Sessions:PersistentAbsoluteTimeout")]
    [InlineData("Sessions:PersistentAbsoluteTimeout", "7.00:00:00", "Sessions:PersistentAbsoluteTimeout")]
    public void ABadSettingStopsStartUpAndNamesTheSetting(string key, string value, string named)
    {
        using var app = new SessionAuthApplication(null, new Dictionary<string, string?> { [key] = value });

        var error = Assert.ThrowsAny<Exception>(() => app.Server);

        var messages = Flatten(error).Select(e => e.Message);
        Assert.Contains(messages, m => m.Contains(named, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Sessions:IdleTimeout", "20", "Sessions:IdleTimeout is 20.00:00:00", "at most 1.00:00:00")]
    [InlineData("Sessions:IdleTimeout", "-00:00:01", "Sessions:IdleTimeout is -00:00:01", "more than 00:00:00")]
    [InlineData("Sessions:AbsoluteTimeout", "91.00:00:00", "Sessions:AbsoluteTimeout is 91.00:00:00", "at most 90.00:00:00")]
    [InlineData("Sessions:AbsoluteTimeout", "00:05:00", "Sessions:AbsoluteTimeout is 00:05:00", "at least Sessions:IdleTimeout (00:20:00)")]
    [InlineData("Sessions:PersistentIdleTimeout", "100", "Sessions:PersistentIdleTimeout is 100.00:00:00", "at most 90.00:00:00")]
    [InlineData("Sessions:PersistentAbsoluteTimeout", "7.00:00:00", "Sessions:PersistentAbsoluteTimeout is 7.00:00:00", "at least Sessions:PersistentIdleTimeout (14.00:00:00)")]
    public void ATimeSpanSettingOutOfRangeSaysItsValueWhatIsAllowedAndHowTimeSpansAreWritten(
        string key, string value, string saysValue, string saysAllowed)
    {
        using var app = new SessionAuthApplication(null, new Dictionary<string, string?> { [key] = value });

        var error = Assert.ThrowsAny<Exception>(() => app.Server);

        var message = Assert.Single(Flatten(error).Select(e => e.Message), m => m.Contains(saysValue, StringComparison.Ordinal));
        Assert.Contains(saysAllowed, message, StringComparison.Ordinal);
        Assert.Contains("hh:mm:ss (e.g. 00:20:00", message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheLongestAllowedTimeoutsStart()
    {
        using var app = new SessionAuthApplication(null, new Dictionary<string, string?>
        {
            ["Sessions:IdleTimeout"] = "1.00:00:00",
            ["Sessions:AbsoluteTimeout"] = "90.00:00:00",
            ["Sessions:PersistentIdleTimeout"] = "90.00:00:00",
            ["Sessions:PersistentAbsoluteTimeout"] = "90.00:00:00",
        });

        Assert.NotNull(app.Server);
    }

    private static IEnumerable<Exception> Flatten(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
                {
                    yield return inner;
                }
            }
        }
    }
}
