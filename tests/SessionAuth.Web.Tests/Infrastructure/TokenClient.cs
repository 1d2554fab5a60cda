using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>What an API client does: JSON in, JSON out, the access token in the Authorization header.</summary>
internal static class TokenClient
{
    public sealed record Pair(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType);

    public static Task<HttpResponseMessage> RequestTokenAsync(this HttpClient http, string email, string password = AppClient.Password) =>
        http.PostAsJsonAsync("/api/auth/token", new { email, password });

    public static Task<HttpResponseMessage> RefreshAsync(this HttpClient http, string refreshToken) =>
        http.PostAsJsonAsync("/api/auth/refresh", new { refresh_token = refreshToken });

    public static Task<HttpResponseMessage> RevokeAsync(this HttpClient http, string refreshToken) =>
        http.PostAsJsonAsync("/api/auth/revoke", new { refresh_token = refreshToken });

    public static Task<HttpResponseMessage> GetMeAsync(this HttpClient http, string? accessToken, string scheme = "Bearer")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        if (accessToken is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"{scheme} {accessToken}".TrimEnd());
        }

        return http.SendAsync(request);
    }

    public static async Task<Pair> ReadPairAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        return new Pair(
            root.GetProperty("access_token").GetString()!,
            root.GetProperty("refresh_token").GetString()!,
            root.GetProperty("expires_in").GetInt32(),
            root.GetProperty("token_type").GetString()!);
    }

    /// <summary>Registers through the form (as a person would) and signs in through the API.</summary>
    public static async Task<(string Email, Pair Pair)> RegisterAndGetTokensAsync(this SessionAuthApplication app, string name = "api")
    {
        using var form = app.CreateAppClient();
        var email = Emails.Unique(name);
        Assert.Equal(HttpStatusCode.Redirect, (await form.RegisterAsync(email)).StatusCode);
        return (email, await ReadPairAsync(await app.CreateApiClient().RequestTokenAsync(email)));
    }

    public static HttpClient CreateApiClient(this SessionAuthApplication app) => app.CreateAppClient(handleCookies: false).Http;

    /// <summary>Asserts an RFC 9457 problem details body with the given status, and returns it.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.True(problem.TryGetProperty("title", out _), body);
        Assert.DoesNotContain("<html", body, StringComparison.OrdinalIgnoreCase);
        return problem;
    }

    public static AuthenticationHeaderValue? Challenge(HttpResponseMessage response) =>
        response.Headers.WwwAuthenticate.FirstOrDefault();
}
