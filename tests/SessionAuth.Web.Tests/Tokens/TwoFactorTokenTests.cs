using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Tokens;

/// <summary>POST /api/auth/token for an account with two-factor on: "otp" beside the password, and "amr" in what it issues.</summary>
public sealed class TwoFactorTokenTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    [Fact]
    public async Task WithoutOtpTheAnswerIs401MfaRequiredAndARightOtpGivesTokensWhoseAmrSaysOtpThroughRefresh()
    {
        var (email, twoFactor) = await TwoFactorForms.NewAccountAsync(fixture.App, "api");
        var api = fixture.App.CreateApiClient();

        var bare = await api.RequestTokenAsync(email);
        var right = await RequestAsync(api, email, Totp.Now(twoFactor.Key));
        var pair = await TokenClient.ReadPairAsync(right);
        var refreshed = await TokenClient.ReadPairAsync(await api.RefreshAsync(pair.RefreshToken));

        var problem = await TokenClient.AssertProblemAsync(bare, HttpStatusCode.Unauthorized);
        Assert.Equal("mfa_required", problem.GetProperty("error").GetString());
        Assert.Equal(["pwd", "otp"], Amr(pair.AccessToken));
        Assert.Equal(["pwd", "otp"], Amr(refreshed.AccessToken));
        Assert.Equal(HttpStatusCode.OK, (await api.GetMeAsync(refreshed.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task AWrongOrReusedOtpIs401AndCountsTowardTheLockout()
    {
        var (email, twoFactor) = await TwoFactorForms.NewAccountAsync(fixture.App, "api-wrong");
        var api = fixture.App.CreateApiClient();
        var code = Totp.Now(twoFactor.Key);
        Assert.Equal(HttpStatusCode.OK, (await RequestAsync(api, email, code)).StatusCode);

        var reused = await RequestAsync(api, email, code);
        var wrong = await RequestAsync(api, email, Totp.Wrong(twoFactor.Key));

        var reusedProblem = await TokenClient.AssertProblemAsync(reused, HttpStatusCode.Unauthorized);
        await TokenClient.AssertProblemAsync(wrong, HttpStatusCode.Unauthorized);
        Assert.False(reusedProblem.TryGetProperty("error", out _), "A refused code is not mfa_required.");
        Assert.Equal(2, (await AccountsDb.UserAsync(fixture.App, email)).AccessFailedCount);
    }

    [Fact]
    public async Task AnAccountWithoutTwoFactorStillGetsTokensForItsPasswordWithAmrPwd()
    {
        var (_, pair) = await fixture.App.RegisterAndGetTokensAsync("api-pwd");

        var amr = Amr(pair.AccessToken);

        Assert.Equal(["pwd"], amr);
    }

    private static Task<HttpResponseMessage> RequestAsync(HttpClient api, string email, string otp) =>
        api.PostAsJsonAsync("/api/auth/token", new { email, password = AppClient.Password, otp });

    private static string[] Amr(string accessToken)
    {
        using var payload = JsonDocument.Parse(Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(accessToken.Split('.')[1])));
        return [.. payload.RootElement.GetProperty("amr").EnumerateArray().Select(e => e.GetString()!)];
    }
}
