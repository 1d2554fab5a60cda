using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using SessionAuth.Web.Tests.Infrastructure;
using SessionAuth.Web.Tokens;

namespace SessionAuth.Web.Tests.Tokens;

/// <summary>The token endpoints as a new API client meets them, against a real Redis and SQLite.</summary>
public sealed class TokenApiTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    private SessionAuthApplication App => fixture.App;

    [Fact]
    public async Task SigningInThroughTheApiGivesATokenPairAndApiMeReadsTheUserFromIt()
    {
        var (email, pair) = await App.RegisterAndGetTokensAsync();

        var me = await App.CreateApiClient().GetMeAsync(pair.AccessToken);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal("Bearer", pair.TokenType);
        Assert.Equal(600, pair.ExpiresIn);
        using var json = JsonDocument.Parse(await me.Content.ReadAsStringAsync());
        Assert.Equal(email, json.RootElement.GetProperty("email").GetString());
        Assert.Equal(email, json.RootElement.GetProperty("userName").GetString());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("id").GetString()));
        Assert.Equal(JsonValueKind.Array, json.RootElement.GetProperty("roles").ValueKind);
    }

    [Fact]
    public async Task TheAccessTokenIsAnAtJwtWithEveryPromisedClaim()
    {
        var (email, pair) = await App.RegisterAndGetTokensAsync();

        var jwt = new JsonWebToken(pair.AccessToken);

        Assert.Equal("at+jwt", jwt.Typ);
        Assert.Equal("HS256", jwt.Alg);
        Assert.Equal("sessionauth", jwt.Issuer);
        Assert.Equal(["sessionauth-api"], jwt.Audiences);
        Assert.Equal(email, jwt.GetClaim("email").Value);
        Assert.Equal(email, jwt.GetClaim("name").Value);
        foreach (var claim in new[] { "sub", "exp", "nbf", "iat", "jti", "sid" })
        {
            Assert.True(jwt.TryGetClaim(claim, out _), $"no {claim}");
        }

        Assert.Equal(TimeSpan.FromMinutes(10), jwt.ValidTo - jwt.IssuedAt);
        Assert.DoesNotContain(pair.RefreshToken, pair.AccessToken, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenResponsesAreNotCached()
    {
        var (_, pair) = await App.RegisterAndGetTokensAsync();

        var refreshed = await App.CreateApiClient().RefreshAsync(pair.RefreshToken);

        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.True(refreshed.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task UnknownEmailWrongPasswordAndLockedAccountGetTheSame401Body()
    {
        using var form = App.CreateAppClient();
        var email = Emails.Unique("same401");
        await form.RegisterAsync(email);
        var locked = Emails.Unique("locked401");
        await form.RegisterAsync(locked);
        var api = App.CreateApiClient();
        for (var i = 0; i < 5; i++)
        {
            await api.RequestTokenAsync(locked, "not the password at all");
        }

        var responses = new[]
        {
            await api.RequestTokenAsync(Emails.Unique("nobody")),
            await api.RequestTokenAsync(email, "not the password at all"),
            await api.RequestTokenAsync(locked),
        };

        var bodies = new List<string>();
        foreach (var response in responses)
        {
            var problem = await TokenClient.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.Equal(SessionAuth.Web.Accounts.CredentialInput.InvalidCredentials, problem.GetProperty("detail").GetString());
            Assert.NotNull(TokenClient.Challenge(response));
            // Everything but the request's own trace id.
            bodies.Add(string.Join("|", problem.EnumerateObject().Where(p => p.Name != "traceId").Select(p => $"{p.Name}={p.Value}")));
        }

        Assert.Single(bodies.Distinct());
    }

    [Fact]
    public async Task RefreshGivesANewPairAndTheOldRefreshTokenStopsAtOnce()
    {
        var (_, pair) = await App.RegisterAndGetTokensAsync();
        var api = App.CreateApiClient();

        var next = await TokenClient.ReadPairAsync(await api.RefreshAsync(pair.RefreshToken));
        var old = await api.RefreshAsync(pair.RefreshToken);

        Assert.NotEqual(pair.RefreshToken, next.RefreshToken);
        Assert.NotEqual(pair.AccessToken, next.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await api.GetMeAsync(next.AccessToken)).StatusCode);
        Assert.Equal(new JsonWebToken(pair.AccessToken).GetClaim("sid").Value, new JsonWebToken(next.AccessToken).GetClaim("sid").Value);
        await TokenClient.AssertProblemAsync(old, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ReusingARotatedRefreshTokenEndsTheGrantAndIsLoggedAsASecurityEvent()
    {
        var (_, pair) = await App.RegisterAndGetTokensAsync();
        var api = App.CreateApiClient();
        var newest = await TokenClient.ReadPairAsync(await api.RefreshAsync(pair.RefreshToken));

        var reuse = await api.RefreshAsync(pair.RefreshToken);
        var newestAfterwards = await api.RefreshAsync(newest.RefreshToken);

        await TokenClient.AssertProblemAsync(reuse, HttpStatusCode.Unauthorized);
        await TokenClient.AssertProblemAsync(newestAfterwards, HttpStatusCode.Unauthorized);
        Assert.Contains(App.Logs.Entries, e => e.EventId.Id == 3002 && e.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    [Fact]
    public async Task TwentyParallelRefreshesWithOneTokenGiveExactlyOneNewPair()
    {
        var (_, pair) = await App.RegisterAndGetTokensAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => App.CreateApiClient().RefreshAsync(pair.RefreshToken)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Unauthorized));
        var winner = await TokenClient.ReadPairAsync(responses.Single(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.CreateApiClient().RefreshAsync(winner.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task RevokeAnswers204AndTheGrantEnds()
    {
        var (_, pair) = await App.RegisterAndGetTokensAsync();
        var api = App.CreateApiClient();

        var revoked = await api.RevokeAsync(pair.RefreshToken);
        var again = await api.RevokeAsync(pair.RefreshToken);

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        await TokenClient.AssertProblemAsync(await api.RefreshAsync(pair.RefreshToken), HttpStatusCode.Unauthorized);
        // Without Tokens:CheckRevocation the access token lives to its expiry: stateless validation.
        Assert.Equal(HttpStatusCode.OK, (await api.GetMeAsync(pair.AccessToken)).StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-refresh-token")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task AnUnknownOrMalformedRefreshTokenIsA401Or400ProblemNeverA500(string token)
    {
        var response = await App.CreateApiClient().RefreshAsync(token);

        await TokenClient.AssertProblemAsync(response, token.Length == 0 ? HttpStatusCode.BadRequest : HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task TheApiRefusesTheSessionCookie()
    {
        using var browser = App.CreateAppClient();
        await browser.RegisterAndLoginAsync(Emails.Unique("cookie"));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/Dashboard")).StatusCode);

        var response = await browser.Http.GetAsync("/api/me");

        await TokenClient.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", TokenClient.Challenge(response)?.Scheme);
    }

    [Theory]
    [InlineData("/Dashboard")]
    [InlineData("/Account/ChangePassword")]
    public async Task PagesRefuseABearerToken(string page)
    {
        var (_, pair) = await App.RegisterAndGetTokensAsync();
        var api = App.CreateApiClient();
        var request = new HttpRequestMessage(HttpMethod.Get, page);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", pair.AccessToken);

        var response = await api.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTokenEndpointNeedsNoAntiforgeryTokenAndSetsNoCookie()
    {
        var (email, _) = await App.RegisterAndGetTokensAsync();

        var response = await App.CreateApiClient().RequestTokenAsync(email);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task ABodyOver16KbIsA413Problem()
    {
        var big = new StringContent($"{{\"email\":\"a@example.com\",\"password\":\"{new string('x', 17 * 1024)}\"}}", Encoding.UTF8, "application/json");

        var response = await App.CreateApiClient().PostAsync("/api/auth/token", big);

        await TokenClient.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task AChunkedBodyOver16KbIsA413ProblemToo()
    {
        var big = new StringContent($"{{\"refresh_token\":\"{new string('x', 17 * 1024)}\"}}", Encoding.UTF8, "application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/refresh") { Content = big };
        request.Headers.TransferEncodingChunked = true;
        request.Content.Headers.ContentLength = null;

        var response = await App.CreateApiClient().SendAsync(request);

        await TokenClient.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded", "email=a%40example.com&password=x")]
    [InlineData("text/plain", "{\"email\":\"a@example.com\",\"password\":\"x\"}")]
    public async Task ANonJsonBodyIsA415Problem(string contentType, string body)
    {
        var response = await App.CreateApiClient().PostAsync("/api/auth/token", new StringContent(body, Encoding.UTF8, contentType));

        await TokenClient.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("{\"email\":")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"email\":42,\"password\":true}")]
    [InlineData("{}")]
    [InlineData("{\"email\":\"a@example.com\"}")]
    [InlineData("")]
    public async Task BadJsonOrMissingFieldsAreA400Problem(string body)
    {
        var response = await App.CreateApiClient().PostAsync("/api/auth/token", new StringContent(body, Encoding.UTF8, "application/json"));

        await TokenClient.AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task AnOverlongPasswordIsA400ProblemNotAHash()
    {
        var response = await App.CreateApiClient().RequestTokenAsync("someone@example.com", new string('p', 129));

        var problem = await TokenClient.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _));
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("two@at@signs")]
    [InlineData("trailing@")]
    public async Task AMalformedEmailIsA400ProblemWithTheFormsWordsNotAHash(string email)
    {
        var failedBefore = App.Logs.Entries.Count(e => e.EventId.Name == "LoginFailed");

        var response = await App.CreateApiClient().RequestTokenAsync(email);

        var problem = await TokenClient.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var message = Assert.Single(problem.GetProperty("errors").GetProperty("email").EnumerateArray()).GetString();
        Assert.Equal("Enter a valid email address.", message); // the login form's words for the same input
        Assert.Equal(failedBefore, App.Logs.Entries.Count(e => e.EventId.Name == "LoginFailed")); // never reached the credential check
    }

    [Theory]
    [InlineData("PUT", "/api/auth/token", "POST")]
    [InlineData("GET", "/api/auth/refresh", "POST")]
    [InlineData("DELETE", "/api/me", "GET, HEAD")]
    [InlineData("POST", "/API/ME/", "GET, HEAD")]
    public async Task AnotherMethodIsA405ProblemWithAllow(string method, string path, string allow)
    {
        var response = await App.CreateApiClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) });

        await TokenClient.AssertProblemAsync(response, HttpStatusCode.MethodNotAllowed);
        Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow));
    }

    [Fact]
    public async Task AnUnknownApiAddressIsA404Problem()
    {
        var response = await App.CreateApiClient().GetAsync("/api/nothing/here");

        await TokenClient.AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task PagesStillGetTheHtmlErrorPage()
    {
        var response = await App.CreateApiClient().GetAsync("/no-such-page");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task CorsIsOffUnlessOriginsAreListed()
    {
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/me");
        preflight.Headers.Add("Origin", "https://evil.example");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization");

        var response = await App.CreateApiClient().SendAsync(preflight);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task HeadOfApiMeIsAnsweredLikeGet()
    {
        var (_, pair) = await App.RegisterAndGetTokensAsync();
        var request = new HttpRequestMessage(HttpMethod.Head, "/api/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", pair.AccessToken);

        var response = await App.CreateApiClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ListedOriginsGetCorsForTheApiAndOthersDoNot()
    {
        await using var pair = await RedisAppPair.StartAsync(new Dictionary<string, string?> { ["Api:AllowedOrigins:0"] = "https://app.example.com" });
        var api = pair.App.CreateApiClient();

        var allowed = await api.SendAsync(Preflight("https://app.example.com"));
        var other = await api.SendAsync(Preflight("https://evil.example"));

        Assert.Equal("https://app.example.com", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(allowed.Headers.Contains("Access-Control-Allow-Credentials"));
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/me");
        preflight.Headers.Add("Origin", origin);
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization");
        return preflight;
    }

    [Fact]
    public async Task WithHs256TheKeySetIsEmpty()
    {
        var response = await App.CreateApiClient().GetAsync("/.well-known/jwks.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(0, json.RootElement.GetProperty("keys").GetArrayLength());
    }

    [Fact]
    public async Task TheGrantStoreInUseIsRedis()
    {
        await Task.CompletedTask;
        Assert.Equal("redis", App.Services.GetRequiredService<IRefreshGrantStore>().Name);
    }
}
