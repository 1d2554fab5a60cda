using System.Net;
using System.Text.RegularExpressions;
using MimeKit;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>What a person does with a mail: reads its link (the same in the text and the HTML part) and follows it.</summary>
internal static partial class MailedLinks
{
    /// <summary>
    /// The one link in <paramref name="message"/> whose path is <paramref name="path"/>. It must start with App:PublicUrl and
    /// stand, the same, in the plain-text part and as an href of the HTML part.
    /// </summary>
    public static Uri Find(MimeMessage message, string path)
    {
        var inText = UrlInText().Matches(message.TextBody ?? "").Select(m => m.Value).Distinct().ToList();
        var inHtml = Href().Matches(message.HtmlBody ?? "").Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).Distinct().ToList();
        var link = Assert.Single(inText, url => new Uri(url).AbsolutePath == path);
        Assert.StartsWith(TestSmtpServer.PublicUrl + "/", link, StringComparison.Ordinal);
        Assert.Contains(link, inHtml);
        return new Uri(link);
    }

    /// <summary>Every URL of the message, both parts, decoded: none may point anywhere but App:PublicUrl.</summary>
    public static IReadOnlyList<string> All(MimeMessage message) =>
        [.. UrlInText().Matches(message.TextBody ?? "").Select(m => m.Value),
            .. Href().Matches(message.HtmlBody ?? "").Select(m => WebUtility.HtmlDecode(m.Groups[1].Value))];

    /// <summary>The value of <paramref name="name"/> in the link's query.</summary>
    public static string Query(Uri link, string name) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(link.Query)[name].ToString();

    /// <summary>
    /// Opens the page at <paramref name="pathAndQuery"/> and submits its form as a browser does: every hidden field it
    /// carries (the link's code, the antiforgery token) plus <paramref name="fields"/>, posted to the same address.
    /// </summary>
    public static async Task<HttpResponseMessage> SubmitPageFormAsync(this AppClient client, string pathAndQuery, params KeyValuePair<string, string>[] fields)
    {
        var page = await client.GetAsync(pathAndQuery);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await AppClient.BodyAsync(page);
        var hidden = HiddenFields(html);
        Assert.True(hidden.Any(f => f.Key == "__RequestVerificationToken"), $"No form with an antiforgery token on {pathAndQuery}:\n{html}");
        return await client.Http.PostAsync(pathAndQuery, new FormUrlEncodedContent(hidden.Concat(fields)));
    }

    /// <summary>The name and value of every hidden input of the page (the first form's, or any other's).</summary>
    public static List<KeyValuePair<string, string>> HiddenFields(string html) =>
        HiddenInput().Matches(html)
            .Select(m => m.Value)
            .Select(input => (Name: Attribute(input, "name"), Value: Attribute(input, "value")))
            .Where(f => f.Name is not null)
            .Select(f => new KeyValuePair<string, string>(f.Name!, f.Value ?? ""))
            .DistinctBy(f => f.Key)
            .ToList();

    private static string? Attribute(string input, string name) =>
        Regex.Match(input, $"\\s{name}=\"([^\"]*)\"") is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    [GeneratedRegex("https?://[^\\s<>\"]+")]
    private static partial Regex UrlInText();

    [GeneratedRegex("href=\"([^\"]+)\"")]
    private static partial Regex Href();

    [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*>")]
    private static partial Regex HiddenInput();
}
