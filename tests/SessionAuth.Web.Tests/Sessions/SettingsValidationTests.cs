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
    [InlineData("Redis:OperationTimeout", "00:10:00", "Redis:OperationTimeout")]
    public void ABadSettingStopsStartUpAndNamesTheSetting(string key, string value, string named)
    {
        using var app = new SessionAuthApplication(null, new Dictionary<string, string?> { [key] = value });

        var error = Assert.ThrowsAny<Exception>(() => app.Server);

        var messages = Flatten(error).Select(e => e.Message);
        Assert.Contains(messages, m => m.Contains(named, StringComparison.Ordinal));
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
