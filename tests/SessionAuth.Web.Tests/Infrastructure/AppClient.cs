using System.Net;
using System.Text.RegularExpressions;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>Does what a person's browser does: reads the antiforgery token off the form, posts it back.</summary>
public sealed partial class AppClient(HttpClient http) : IDisposable
{
    public const string SessionCookieName = "__Host-session";
    public const string Password = "correct horse battery staple";

    public HttpClient Http => http;

    public Task<HttpResponseMessage> GetAsync(string path) => http.GetAsync(path);

    public async Task<string> GetAntiforgeryTokenAsync(string formPath)
    {
        var response = await http.GetAsync(formPath);
        var html = await response.Content.ReadAsStringAsync();
        var match = AntiforgeryField().Match(html);
        Assert.True(match.Success, $"No antiforgery token on {formPath} (status {(int)response.StatusCode}).");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>Posts the form at <paramref name="formPath"/> the way the page's own form would.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string formPath, IEnumerable<KeyValuePair<string, string>> fields, string? postPath = null)
    {
        var token = await GetAntiforgeryTokenAsync(formPath);
        var content = new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", token)));
        return await http.PostAsync(postPath ?? formPath, content);
    }

    /// <summary>Posts a hand-written urlencoded body (anything but well-formed) with a valid antiforgery token.</summary>
    public async Task<HttpResponseMessage> SubmitRawAsync(string formPath, string urlEncodedBody)
    {
        var token = await GetAntiforgeryTokenAsync(formPath);
        return await http.PostAsync(formPath, new StringContent(
            $"{urlEncodedBody}&__RequestVerificationToken={Uri.EscapeDataString(token)}",
            System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
    }

    public Task<HttpResponseMessage> RegisterAsync(string email, string password = Password) =>
        SubmitAsync("/Account/Register", [new("Input.Email", email), new("Input.Password", password), new("Input.ConfirmPassword", password)]);

    public Task<HttpResponseMessage> LoginAsync(string email, string password = Password, string? returnUrl = null, bool rememberMe = false)
    {
        var path = returnUrl is null ? "/Account/Login" : $"/Account/Login?ReturnUrl={Uri.EscapeDataString(returnUrl)}";
        return SubmitAsync(path, [new("Input.Email", email), new("Input.Password", password), new("Input.RememberMe", rememberMe ? "true" : "false")]);
    }

    /// <summary>Registers a new account, signs in, and returns the session cookie value set by the login response.</summary>
    public async Task<string> RegisterAndLoginAsync(string email)
    {
        var registered = await RegisterAsync(email);
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        var login = await LoginAsync(email);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return SessionCookieValue(login) ?? throw new InvalidOperationException("Login set no session cookie.");
    }

    public Task<HttpResponseMessage> LogoutAsync() => SubmitAsync("/Dashboard", [], postPath: "/Account/Logout");

    public static string? SessionCookieValue(HttpResponseMessage response) =>
        SetCookie(response, SessionCookieName)?.Split(';')[0].Split('=', 2)[1];

    public static string? SetCookie(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.FirstOrDefault(v => v.StartsWith(name + "=", StringComparison.Ordinal))
            : null;

    public static async Task<string> BodyAsync(HttpResponseMessage response) => await response.Content.ReadAsStringAsync();

    public void Dispose() => http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}

internal static class Emails
{
    public static string Unique(string name = "user") => $"{name}-{Guid.NewGuid():N}@example.com";
}
