using System.Net;
using System.Text.RegularExpressions;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>The sessions page as a person's browser reads it: its rows, their handles, its messages.</summary>
internal static partial class SessionsPage
{
    public const string Path = "/Account/Sessions";

    // Browsers as they introduce themselves, so each cookie jar is told apart on the page.
    public const string FirefoxOnWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
    public const string ChromeOnAndroid = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";

    public sealed record Row(string Html, string? Handle)
    {
        public bool IsCurrent => Html.Contains("This device", StringComparison.Ordinal);
    }

    public static AppClient ClientAs(SessionAuthApplication app, string userAgent)
    {
        var client = app.CreateAppClient();
        client.Http.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        return client;
    }

    /// <summary>
    /// One user with two sessions: registers <paramref name="email"/> and signs in on
    /// <paramref name="first"/>, then signs the same user in on <paramref name="second"/> (the newer session).
    /// </summary>
    public static async Task SignInTwiceAsync(AppClient first, AppClient second, string email)
    {
        await first.RegisterAndLoginAsync(email);
        Assert.Equal(HttpStatusCode.Redirect, (await second.LoginAsync(email)).StatusCode);
    }

    public static async Task<string> HtmlAsync(AppClient client)
    {
        var response = await client.GetAsync(Path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await AppClient.BodyAsync(response);
    }

    public static async Task<IReadOnlyList<Row>> RowsAsync(AppClient client) => Rows(await HtmlAsync(client));

    public static IReadOnlyList<Row> Rows(string html) =>
        [.. SessionRow().Matches(html).Select(m => new Row(m.Value, HandleField().Match(m.Value) is { Success: true } h ? WebUtility.HtmlDecode(h.Groups[1].Value) : null))];

    public static int ActivityRowCount(string html) => ActivityRow().Count(html);

    public static IReadOnlyList<string> ActivityKinds(string html) => [.. ActivityRow().Matches(html).Select(m => m.Groups[1].Value)];

    /// <summary>Posts a handler's form with the page's token: <paramref name="handle"/> null sends no Handle field at all.</summary>
    public static Task<HttpResponseMessage> PostAsync(AppClient client, string handler, string? handle = null) =>
        client.SubmitAsync(Path, handle is null ? [] : [new("Handle", handle)], postPath: $"{Path}?handler={handler}");

    /// <summary>Follows the page's redirect after an action and returns what it then says.</summary>
    public static async Task<string> FollowAsync(AppClient client, HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith(Path, location, StringComparison.Ordinal);
        var page = await client.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        return await AppClient.BodyAsync(page);
    }

    public static string? Confirmation(string html) =>
        ConfirmationLine().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    [GeneratedRegex("<tr data-testid=\"session-row\".*?</tr>", RegexOptions.Singleline)]
    private static partial Regex SessionRow();

    [GeneratedRegex("name=\"Handle\" value=\"([^\"]*)\"")]
    private static partial Regex HandleField();

    [GeneratedRegex("data-testid=\"activity-row\" data-kind=\"([A-Za-z]+)\"")]
    private static partial Regex ActivityRow();

    [GeneratedRegex("data-testid=\"sessions-(?:confirmation|problem)\">([^<]*)<")]
    private static partial Regex ConfirmationLine();
}
