using System.Net;
using System.Text.RegularExpressions;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Pages;

namespace SessionAuth.Bench;

/// <summary>
/// What a person's browser does with the real forms: GET the form, read the antiforgery token,
/// POST it back with the cookies it was given. Keeps its own cookies; follows no redirects.
/// </summary>
internal sealed partial class Browser(HttpClient http, string baseUrl, string sessionCookieName)
{
    // A real browser's User-Agent: the session record keeps it, so the measured record has a real size.
    public const string UserAgent =
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

    /// <summary>
    /// The authentication cookies as the browser sends them back ("name=value; …"): the session
    /// cookie, or the chunks ASP.NET splits a large one into (nameC1, nameC2, …). Not antiforgery.
    /// </summary>
    public string AuthCookieHeader => string.Join("; ", _cookies.Where(c => IsAuthCookie(c.Key)).Select(c => $"{c.Key}={c.Value}"));

    public int AuthCookieCount => _cookies.Keys.Count(IsAuthCookie);

    /// <summary>Bytes of name=value of every authentication cookie: what each request carries.</summary>
    public int AuthCookieBytes => _cookies.Where(c => IsAuthCookie(c.Key)).Sum(c => c.Key.Length + 1 + c.Value.Length);

    public static HttpClient CreateClient() => new(new SocketsHttpHandler
    {
        UseCookies = false,
        AllowAutoRedirect = false,
        MaxConnectionsPerServer = 256,
        PooledConnectionLifetime = TimeSpan.FromMinutes(10),
    })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    public async Task RegisterAsync(string email, string password, CancellationToken cancellationToken)
    {
        using var response = await SubmitAsync(AppRoutes.Register,
            [new("Input.Email", email), new("Input.Password", password), new("Input.ConfirmPassword", password)], cancellationToken);
        await ExpectRedirectAsync(response, $"registering {email}");
    }

    public async Task SignInAsync(string email, string password, CancellationToken cancellationToken)
    {
        using var response = await SubmitAsync(AppRoutes.Login,
            [new("Input.Email", email), new("Input.Password", password), new("Input.RememberMe", "false")], cancellationToken);
        await ExpectRedirectAsync(response, $"signing in {email}");
        if (AuthCookieCount == 0)
        {
            throw new BenchException($"Signing in {email} set no {sessionCookieName} cookie.");
        }
    }

    public async Task<HttpStatusCode> GetStatusAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
        return response.StatusCode;
    }

    /// <summary>Signs out as a person does: the sign-out button of the layout on <paramref name="page"/>.</summary>
    public async Task<HttpStatusCode> SignOutAsync(string page, CancellationToken cancellationToken)
    {
        using var response = await SubmitAsync(page, AppRoutes.Logout, [], cancellationToken);
        return response.StatusCode;
    }

    /// <summary>GET with this browser's cookies: status, redirect target and body.</summary>
    public async Task<(HttpStatusCode Status, string? Location, string Body)> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
        return (response.StatusCode, response.Headers.Location?.OriginalString, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    /// <summary>Saves both display preferences through the preferences page's two forms, as a person does: they land in HttpContext.Session.</summary>
    public async Task SetPreferencesAsync(string theme, string timeZone, CancellationToken cancellationToken)
    {
        foreach (var (handler, field, value) in new[] { ("Theme", "Input.Theme", theme), ("TimeZone", "Input.TimeZone", timeZone) })
        {
            using var response = await SubmitAsync(AppRoutes.Preferences, AppRoutes.Preferences, [new(field, value)], cancellationToken, $"?handler={handler}");
            await ExpectRedirectAsync(response, $"saving the {handler} preference");
        }
    }

    private Task<HttpResponseMessage> SubmitAsync(string path, List<KeyValuePair<string, string>> fields, CancellationToken cancellationToken) =>
        SubmitAsync(path, path, fields, cancellationToken);

    /// <summary>GETs <paramref name="page"/>, then posts its form for <paramref name="action"/> with the form's hidden fields (antiforgery).</summary>
    private async Task<HttpResponseMessage> SubmitAsync(
        string page, string action, List<KeyValuePair<string, string>> fields, CancellationToken cancellationToken, string query = "")
    {
        string html;
        using (var form = await SendAsync(HttpMethod.Get, page, null, cancellationToken))
        {
            html = await form.Content.ReadAsStringAsync(cancellationToken);
            if (form.StatusCode != HttpStatusCode.OK)
            {
                throw new BenchException($"GET {page} answered {(int)form.StatusCode}.");
            }
        }

        var hidden = HiddenFields(html, page, action);
        if (hidden.Count == 0)
        {
            throw new BenchException($"No form for {action} with an antiforgery field on {page}.");
        }

        using var content = new FormUrlEncodedContent(fields.Concat(hidden));
        return await SendAsync(HttpMethod.Post, action + query, content, cancellationToken);
    }

    /// <summary>The hidden inputs of the form that posts to <paramref name="action"/> (no action attribute: the page itself).</summary>
    private static List<KeyValuePair<string, string>> HiddenFields(string html, string page, string action)
    {
        foreach (Match form in Form().Matches(html))
        {
            var target = Attribute(form.Groups["attributes"].Value, "action");
            var path = target is null ? page : WebUtility.HtmlDecode(target).Split('?')[0];
            if (!string.Equals(path, action, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            return Input().Matches(form.Groups["body"].Value)
                .Select(input => input.Value)
                .Where(input => string.Equals(Attribute(input, "type"), "hidden", StringComparison.OrdinalIgnoreCase))
                .Select(input => (Name: Attribute(input, "name"), Value: Attribute(input, "value")))
                .Where(field => field.Name is not null)
                .Select(field => new KeyValuePair<string, string>(WebUtility.HtmlDecode(field.Name!), WebUtility.HtmlDecode(field.Value ?? "")))
                .ToList();
        }

        return [];
    }

    private static string? Attribute(string tag, string name)
    {
        var match = Regex.Match(tag, $"(?<![\\w-]){name}=\"([^\"]*)\"", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        return match.Success ? match.Groups[1].Value : null;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(baseUrl + path)) { Content = content };
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        if (_cookies.Count > 0)
        {
            request.Headers.TryAddWithoutValidation("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
        }

        var response = await http.SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var setCookie in setCookies)
            {
                Remember(setCookie);
            }
        }

        return response;
    }

    private void Remember(string setCookie)
    {
        var parts = setCookie.Split(';', StringSplitOptions.TrimEntries);
        var nameValue = parts[0].Split('=', 2);
        var deleted = parts.Skip(1).Any(p =>
            p.StartsWith("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)
            || p.Equals("max-age=0", StringComparison.OrdinalIgnoreCase));
        if (deleted || nameValue.Length < 2 || nameValue[1].Length == 0)
        {
            _cookies.Remove(nameValue[0]);
        }
        else
        {
            _cookies[nameValue[0]] = nameValue[1];
        }
    }

    private static async Task ExpectRedirectAsync(HttpResponseMessage response, string what)
    {
        switch (response.StatusCode)
        {
            case HttpStatusCode.Redirect:
                return;
            case HttpStatusCode.TooManyRequests:
                throw new BenchException(
                    $"The app rate-limited {what} (429). The bench raises AccountEndpoints:PermitLimit for its apps; "
                    + "if the limit has moved to another setting, set that one in AppSettings (BenchRun.cs).");
            default:
                var body = await response.Content.ReadAsStringAsync();
                var errors = ValidationMessage().Matches(body).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value.Trim()));
                throw new BenchException($"{what} answered {(int)response.StatusCode}, not a redirect. {string.Join(" ", errors)}".Trim());
        }
    }

    private bool IsAuthCookie(string name) =>
        name == sessionCookieName
        || (name.Length > sessionCookieName.Length + 1 && name.StartsWith(sessionCookieName + "C", StringComparison.Ordinal)
            && name.AsSpan(sessionCookieName.Length + 1).ContainsOnlyDigits());

    [GeneratedRegex("<form\\b(?<attributes>[^>]*)>(?<body>.*?)</form>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Form();

    [GeneratedRegex("<input\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex Input();

    [GeneratedRegex("class=\"[^\"]*(?:text-danger|validation-summary-errors)[^\"]*\"[^>]*>(?:\\s*<ul>\\s*<li>)?([^<]+)<")]
    private static partial Regex ValidationMessage();
}

internal static class SpanExtensions
{
    public static bool ContainsOnlyDigits(this ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return !text.IsEmpty;
    }
}
