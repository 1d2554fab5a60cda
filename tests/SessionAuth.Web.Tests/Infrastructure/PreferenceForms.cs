using System.Net;
using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>The preferences page's two forms, and what a signed-in page shows of them.</summary>
internal static partial class PreferenceForms
{
    public const string Path = "/Account/Preferences";

    public static Task<HttpResponseMessage> SetThemeAsync(this AppClient client, string theme) =>
        client.SubmitAsync(Path, [new("Input.Theme", theme)], postPath: Path + "?handler=Theme");

    public static Task<HttpResponseMessage> SetTimeZoneAsync(this AppClient client, string zone) =>
        client.SubmitAsync(Path, [new("Input.TimeZone", zone)], postPath: Path + "?handler=TimeZone");

    /// <summary>The dashboard's data-bs-theme and named time zone, after asserting it answered 200.</summary>
    public static async Task<(string? Theme, string? TimeZone)> DashboardPreferencesAsync(this AppClient client)
    {
        var response = await client.GetAsync("/Dashboard");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        return (Theme().Match(html) is { Success: true } theme ? theme.Groups[1].Value : null,
            TimeZone().Match(html) is { Success: true } zone ? zone.Groups[1].Value : null);
    }

    /// <summary>Whether any key in Redis still holds this text (session data is kept inside the session's key).</summary>
    public static async Task<bool> AnyKeyHoldsAsync(RedisServer redis, string text)
    {
        foreach (var key in redis.Admin.GetServer(redis.ConnectionString).Keys(pattern: "*"))
        {
            if (await redis.Db.KeyTypeAsync(key) == RedisType.String && ((string?)await redis.Db.StringGetAsync(key))?.Contains(text, StringComparison.Ordinal) == true)
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex("<html lang=\"en\" data-bs-theme=\"([a-z]+)\">")]
    private static partial Regex Theme();

    [GeneratedRegex("data-testid=\"time-zone\">Times in <strong>([^<]+)</strong>")]
    private static partial Regex TimeZone();
}
