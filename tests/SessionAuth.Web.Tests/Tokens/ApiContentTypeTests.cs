using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using SessionAuth.Web.Tests.Infrastructure;
using SessionAuth.Web.Tokens;

namespace SessionAuth.Web.Tests.Tokens;

/// <summary>
/// The POST endpoints of /api take JSON in UTF-8: application/json with no charset or charset=utf-8 in
/// any spelling is read; any other charset or media type is a 415 problem, never a 500 or a logged error.
/// </summary>
public sealed class ApiContentTypeTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    private SessionAuthApplication App => fixture.App;

    public static TheoryData<string> Utf8Json =>
    [
        "application/json; charset=\"utf-8\"",
        "application/json;charset=UTF-8",
        "application/json; charset=\"UTF-8\"",
        "application/json; CHARSET=utf-8",
        "Application/JSON",
    ];

    public static TheoryData<string?> NotUtf8Json =>
    [
        "application/json; charset=bogus",
        "application/json; charset=utf-7",
        "application/json; charset=ebcdic-cp-us",
        "application/json; charset=x-unknown",
        "application/json; charset=\"x-unknown\"",
        "application/json; charset=utf-16",
        "application/json; charset=utf-8; charset=utf-7",
        "application/problem+json",
        "text/plain; charset=utf-8",
        null,
    ];

    [Theory]
    [MemberData(nameof(Utf8Json))]
    public async Task EveryEndpointReadsJsonWithAUtf8CharsetHoweverItIsSpelled(string contentType)
    {
        var email = Emails.Unique("charset");
        using (var form = App.CreateAppClient())
        {
            await form.RegisterAsync(email);
        }

        var api = App.CreateApiClient();

        var token = await api.SendAsync(Post("/api/auth/token", $$"""{"email":"{{email}}","password":"{{AppClient.Password}}"}""", contentType));
        var first = await TokenClient.ReadPairAsync(token);
        var refresh = await api.SendAsync(Post("/api/auth/refresh", $$"""{"refresh_token":"{{first.RefreshToken}}"}""", contentType));
        var second = await TokenClient.ReadPairAsync(refresh);
        var revoke = await api.SendAsync(Post("/api/auth/revoke", $$"""{"refresh_token":"{{second.RefreshToken}}"}""", contentType));

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        await TokenClient.AssertProblemAsync(await api.RefreshAsync(second.RefreshToken), HttpStatusCode.Unauthorized);
        AssertNoErrorLogged();
    }

    [Theory]
    [MemberData(nameof(NotUtf8Json))]
    public async Task AnyOtherCharsetOrMediaTypeIsA415ProblemOnEveryEndpoint(string? contentType)
    {
        var api = App.CreateApiClient();

        foreach (var (path, body) in new[]
        {
            ("/api/auth/token", """{"email":"someone@example.com","password":"a password of some length"}"""),
            ("/api/auth/refresh", """{"refresh_token":"abc"}"""),
            ("/api/auth/revoke", """{"refresh_token":"abc"}"""),
        })
        {
            var response = await api.SendAsync(Post(path, body, contentType));

            var problem = await TokenClient.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
            Assert.Contains("application/json", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        AssertNoErrorLogged();
    }

    [Fact]
    public async Task ACharsetTheFrameworkCannotDecodeIsRefusedWithTheUtf8Rule()
    {
        var response = await App.CreateApiClient().SendAsync(
            Post("/api/auth/token", """{"email":"a@example.com","password":"x"}""", "application/json; charset=ebcdic-cp-us"));

        var problem = await TokenClient.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(JsonRequestBody.UnsupportedDetail, problem.GetProperty("detail").GetString());
        AssertNoErrorLogged();
    }

    private void AssertNoErrorLogged() =>
        Assert.DoesNotContain(App.Logs.Entries, e => e.Level >= LogLevel.Error || e.Exception is not null);

    private static HttpRequestMessage Post(string path, string json, string? contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        if (contentType is not null)
        {
            Assert.True(content.Headers.TryAddWithoutValidation("Content-Type", contentType));
        }

        return new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
    }
}
