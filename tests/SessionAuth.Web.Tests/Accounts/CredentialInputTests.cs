using System.Net;
using System.Net.Http.Json;
using System.Text;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Tests.Infrastructure;
using SessionAuth.Web.Tests.Tokens;

namespace SessionAuth.Web.Tests.Accounts;

/// <summary>
/// One input rule for credentials (CredentialInput): the login form and the token API count a
/// password's length the same way (characters, not UTF-16 units), refuse the same lengths with the
/// same words, and say the same thing about a wrong password.
/// </summary>
public sealed class CredentialInputTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    private SessionAuthApplication App => fixture.App;

    /// <summary>Mathematical bold letters (U+1D400 on): each one character, two UTF-16 units, unchanged by NFC.</summary>
    private static string SupplementaryLetters(int count)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            // Not a repetition of a shorter run (the policy refuses those): the step walks all 52 letters unevenly.
            text.Append(char.ConvertFromUtf32(0x1D400 + ((i * 7) + (i / 52)) % 52));
        }

        return text.ToString();
    }

    [Fact]
    public async Task A72CharacterSupplementaryPlanePasswordSignsInThroughTheFormAndTheApi()
    {
        var password = SupplementaryLetters(72);
        Assert.Equal(144, password.Length);
        using var form = App.CreateAppClient();
        var email = Emails.Unique("astral");
        Assert.Equal(HttpStatusCode.Redirect, (await form.RegisterAsync(email, password)).StatusCode);

        var formLogin = await form.LoginAsync(email, password);
        var apiLogin = await App.CreateApiClient().RequestTokenAsync(email, password);

        Assert.Equal(HttpStatusCode.Redirect, formLogin.StatusCode);
        Assert.NotNull(AppClient.SetCookie(formLogin, AppClient.SessionCookieName));
        var pair = await TokenClient.ReadPairAsync(apiLogin);
        Assert.Equal(HttpStatusCode.OK, (await App.CreateApiClient().GetMeAsync(pair.AccessToken)).StatusCode);
    }

    [Theory]
    [InlineData("ascii")]
    [InlineData("supplementary")]
    public async Task A129CharacterPasswordIsRefusedByTheFormAndTheApiWithTheSameWords(string kind)
    {
        var password = kind == "ascii" ? new string('x', 64) + new string('y', 65) : SupplementaryLetters(129);
        var email = Emails.Unique("toolong");
        using var form = App.CreateAppClient();

        var formLogin = await form.LoginAsync(email, password);
        var apiLogin = await App.CreateApiClient().RequestTokenAsync(email, password);

        Assert.Equal(HttpStatusCode.OK, formLogin.StatusCode); // the form again, with the field error
        Assert.Null(AppClient.SetCookie(formLogin, AppClient.SessionCookieName));
        Assert.Contains(CredentialInput.PasswordTooLong, await AppClient.BodyAsync(formLogin), StringComparison.Ordinal);
        var problem = await TokenClient.AssertProblemAsync(apiLogin, HttpStatusCode.BadRequest);
        Assert.Equal(CredentialInput.PasswordTooLong, problem.GetProperty("errors").GetProperty("password")[0].GetString());
    }

    [Fact]
    public async Task AWrongPasswordGetsTheSameTextFromTheApiAsOnTheForm()
    {
        var email = Emails.Unique("samewords");
        using var form = App.CreateAppClient();
        await form.RegisterAsync(email);

        var formLogin = await form.LoginAsync(email, "not the password at all");
        var apiLogin = await App.CreateApiClient().RequestTokenAsync(email, "not the password at all");

        var problem = await TokenClient.AssertProblemAsync(apiLogin, HttpStatusCode.Unauthorized);
        var detail = problem.GetProperty("detail").GetString();
        Assert.Equal("Invalid email or password.", detail);
        Assert.Contains(detail!, await AppClient.BodyAsync(formLogin), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEmptyPasswordOrEmailGetsTheFormsWordsFromTheApi()
    {
        var response = await App.CreateApiClient().PostAsJsonAsync("/api/auth/token", new { email = " ", password = "" });

        var problem = await TokenClient.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(CredentialInput.EmailMissing, problem.GetProperty("errors").GetProperty("email")[0].GetString());
        Assert.Equal(CredentialInput.PasswordMissing, problem.GetProperty("errors").GetProperty("password")[0].GetString());
    }
}
