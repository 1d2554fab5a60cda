namespace SessionAuth.Web.Accounts.Activity;

/// <summary>
/// "Chrome 131 on Windows" from a User-Agent header: the major browsers and systems only, by a
/// small ordered table (no user-agent parser is in the package registry). Order matters because
/// browsers borrow each other's tokens: Edge, Opera and Samsung Internet all say "Chrome/", and
/// Chrome says "Safari/"; an iPhone says "like Mac OS X", and Android says "Linux".
/// </summary>
public static class UserAgentSummary
{
    public const string UnknownBrowser = "Unknown browser";

    // (token before the version, the name shown). The first token found names the browser.
    private static readonly (string Token, string Name)[] Browsers =
    [
        ("SamsungBrowser/", "Samsung Internet"),
        ("OPR/", "Opera"),
        ("OPiOS/", "Opera"),
        ("Edg/", "Edge"),
        ("EdgA/", "Edge"),
        ("EdgiOS/", "Edge"),
        ("HeadlessChrome/", "Headless Chrome"),
        ("CriOS/", "Chrome"),
        ("FxiOS/", "Firefox"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Version/", "Safari"), // Safari puts its version here; checked only with "Safari/" present, below
        ("curl/", "curl"),
    ];

    // (token, system). The first found names the system.
    private static readonly (string Token, string Name)[] Systems =
    [
        ("Windows", "Windows"),
        ("CrOS", "ChromeOS"),
        ("iPhone", "iOS"),
        ("iPad", "iOS"),
        ("iPod", "iOS"),
        ("Android", "Android"),
        ("Macintosh", "macOS"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ];

    /// <summary>"Browser N on System", "Browser N", "Unknown browser on System" or "Unknown browser".</summary>
    public static string Describe(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return UnknownBrowser;
        }

        var browser = Browser(userAgent) ?? UnknownBrowser;
        var system = System(userAgent);
        return system is null ? browser : $"{browser} on {system}";
    }

    private static string? Browser(string userAgent)
    {
        foreach (var (token, name) in Browsers)
        {
            var at = userAgent.IndexOf(token, StringComparison.Ordinal);
            if (at < 0 || (name == "Safari" && !userAgent.Contains("Safari/", StringComparison.Ordinal)))
            {
                continue;
            }

            var version = MajorVersion(userAgent.AsSpan(at + token.Length));
            return version.IsEmpty ? name : $"{name} {version}";
        }

        return null;
    }

    private static string? System(string userAgent)
    {
        foreach (var (token, name) in Systems)
        {
            if (userAgent.Contains(token, StringComparison.Ordinal))
            {
                return name;
            }
        }

        return null;
    }

    /// <summary>The leading digits (at most 5): "131" of "131.0.6778.86".</summary>
    private static ReadOnlySpan<char> MajorVersion(ReadOnlySpan<char> rest)
    {
        var length = 0;
        while (length < rest.Length && length < 5 && char.IsAsciiDigit(rest[length]))
        {
            length++;
        }

        return rest[..length];
    }
}
