using System.Collections.Frozen;
using System.Globalization;
using Microsoft.AspNetCore.Http.Features;

namespace SessionAuth.Web.Pages;

/// <summary>
/// The signed-in person's display preferences for this device (colour theme, time zone), kept in
/// <c>HttpContext.Session</c>: the sign-in session's own data, so they come with the request's one store
/// read and end with the session. A request without session data (anonymous, or a host that has none)
/// gets the defaults: light, UTC.
/// </summary>
public static class DisplayPreferences
{
    public const string ThemeKey = "display.theme";
    public const string TimeZoneKey = "display.time-zone";

    public const string Light = "light";
    public const string Dark = "dark";

    public static readonly IReadOnlyList<string> Themes = [Light, Dark];

    /// <summary>Every IANA zone of this system by id, UTC included; built once, on the first use.</summary>
    private static readonly Lazy<FrozenDictionary<string, TimeZoneInfo>> KnownZones = new(() =>
        TimeZoneInfo.GetSystemTimeZones().Append(TimeZoneInfo.Utc).DistinctBy(zone => zone.Id)
            .ToFrozenDictionary(zone => zone.Id, StringComparer.Ordinal));

    /// <summary>The zones a person can choose, by id.</summary>
    public static IEnumerable<TimeZoneInfo> Zones => KnownZones.Value.Values.OrderBy(zone => zone.Id, StringComparer.Ordinal);

    public static bool IsTheme(string? value) => value is Light or Dark;

    public static bool TryFindZone(string? id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TimeZoneInfo? zone)
    {
        zone = null;
        return id is not null && KnownZones.Value.TryGetValue(id, out zone);
    }

    public static string Theme(HttpContext context) => Data(context)?.GetString(ThemeKey) is Dark ? Dark : Light;

    public static TimeZoneInfo TimeZone(HttpContext context) =>
        TryFindZone(Data(context)?.GetString(TimeZoneKey), out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>"2025-03-30 14:05:09 Europe/Paris": the moment in the zone, and the zone named.</summary>
    public static string Format(DateTimeOffset value, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(value, zone).ToString("yyyy-MM-dd HH:mm:ss ", CultureInfo.InvariantCulture) + zone.Id;

    /// <summary>"Europe/Paris (UTC+01:00)": an option of the zone list.</summary>
    public static string Describe(TimeZoneInfo zone)
    {
        var offset = zone.BaseUtcOffset;
        return string.Create(CultureInfo.InvariantCulture, $"{zone.Id} (UTC{(offset < TimeSpan.Zero ? "-" : "+")}{offset:hh\\:mm})");
    }

    private static ISession? Data(HttpContext context) =>
        context.Features.Get<ISessionFeature>()?.Session is { IsAvailable: true } session ? session : null;
}
