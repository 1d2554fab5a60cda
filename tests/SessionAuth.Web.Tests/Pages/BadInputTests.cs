using System.Net;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Pages;

/// <summary>Bad input gets a message on the form (or a 4xx), never a 500 and never a stack trace.</summary>
public sealed class BadInputTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    public static TheoryData<string, string, string> LoginInputs => new()
    {
        { "", "", "Enter your email address." },
        { "someone@example.com", "", "Enter your password." },
        { "not-an-email", "whatever password", "Enter a valid email address." },
        { new string('a', 10 * 1024) + "@example.com", "whatever password", "An email address has at most 256 characters." },
        { "someone@example.com", new string('p', 129), "A password has at most 128 characters." },
        { "some\u0008one\u0007@exa\u001bmple.com", "pass\u0002word\u0001 is long", LoginModelText.InvalidCredentials },
        { "zoë.ñandú@例え.テスト", "pässwörd ✓ 密码 long", LoginModelText.InvalidCredentials },
        { "' OR 1=1 --@example.com", "' OR '1'='1' -- long", LoginModelText.InvalidCredentials },
    };

    [Theory]
    [MemberData(nameof(LoginInputs))]
    public async Task LoginWithBadInputShowsAMessageOnTheForm(string email, string password, string message)
    {
        using var client = fixture.App.CreateAppClient();

        var response = await client.LoginAsync(email, password);

        var html = await AppClient.BodyAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(message), html, StringComparison.Ordinal);
        Assert.Null(AppClient.SetCookie(response, AppClient.SessionCookieName));
        Assert.Empty(fixture.App.Logs.UnhandledExceptions);
    }

    [Theory]
    [InlineData("/Account/Login", "Input.Email=a%00b%40example.com&Input.Password=long+password")]
    [InlineData("/Account/Register", "Input.Email=a%40example.com&Input.Password=pass%00word+long&Input.ConfirmPassword=pass%00word+long")]
    public async Task ANulCharacterIsRefusedWithA400PageThatSaysWhy(string path, string body)
    {
        using var client = fixture.App.CreateAppClient();

        var response = await client.SubmitRawAsync(path, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("characters it cannot accept", await AppClient.BodyAsync(response), StringComparison.Ordinal);
        Assert.Null(AppClient.SetCookie(response, AppClient.SessionCookieName));
    }

    public static TheoryData<string, string, string, string> RegisterInputs => new()
    {
        { "", "", "", "Enter your email address." },
        { "not-an-email", "long enough password", "long enough password", "Enter a valid email address." },
        { new string('a', 10 * 1024) + "@example.com", "long enough password", "long enough password", "An email address has at most 256 characters." },
        { "short@example.com", "too short", "too short", "Use at least 12 characters" },
        { "long@example.com", new string('p', 129), new string('p', 129), "Use at most 128 characters." },
        { "differ@example.com", "long enough password", "another long password", "The two passwords differ." },
        { "ctl\u0001x@example.com", "long enough password", "long enough password", "This email address cannot be used." },
        { "zoë@例え.テスト", "long enough password", "long enough password", "This email address cannot be used." },
    };

    [Theory]
    [MemberData(nameof(RegisterInputs))]
    public async Task RegisterWithBadInputShowsAMessageOnTheForm(string email, string password, string confirm, string message)
    {
        using var client = fixture.App.CreateAppClient();

        var response = await client.SubmitAsync("/Account/Register",
            [new("Input.Email", email), new("Input.Password", password), new("Input.ConfirmPassword", confirm)]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(message), await AppClient.BodyAsync(response), StringComparison.Ordinal);
        Assert.Empty(fixture.App.Logs.UnhandledExceptions);
    }

    [Fact]
    public async Task RegisteringTheSameEmailTwiceAnswersAsTheFirstTimeAndMakesOneAccount()
    {
        using var client = fixture.App.CreateAppClient();
        var email = Emails.Unique("twice");
        var first = await client.RegisterAsync(email);

        var again = await client.RegisterAsync(email.ToUpperInvariant());

        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        Assert.Single(await AccountsDb.UsersWithEmailAsync(fixture.App, email));
    }

    [Fact]
    public async Task UnknownEmailAndWrongPasswordLookTheSame()
    {
        using var client = fixture.App.CreateAppClient();
        var email = Emails.Unique("same");
        await client.RegisterAsync(email);

        var unknown = await client.LoginAsync(Emails.Unique("nobody"), "some wrong password");
        var wrong = await client.LoginAsync(email, "some wrong password");

        Assert.Equal(unknown.StatusCode, wrong.StatusCode);
        Assert.Equal(Normalize(await AppClient.BodyAsync(unknown)), Normalize(await AppClient.BodyAsync(wrong)));
        Assert.Contains(LoginModelText.InvalidCredentials, await AppClient.BodyAsync(wrong), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/Account/Login", "Input.Email=a%40b.c&Input.Email=d%40e.f&Input.Password=x&Input.Password=y")]
    [InlineData("/Account/Login", "Input=1&Input.RememberMe=maybe&Input.Email[0]=x")]
    [InlineData("/Account/Register", "%ZZ%=%%&Input.Email=%C0%AF%FF%FE")]
    public async Task MalformedFormsAreClientErrorsNotServerErrors(string path, string body)
    {
        using var client = fixture.App.CreateAppClient();

        var response = await client.SubmitRawAsync(path, body);

        Assert.InRange((int)response.StatusCode, 200, 499);
        Assert.DoesNotContain("Exception", await AppClient.BodyAsync(response), StringComparison.Ordinal);
        Assert.Empty(fixture.App.Logs.UnhandledExceptions);
    }

    // The login page's message as HTML shows it (the apostrophe-free text needs no encoding).
    private static class LoginModelText
    {
        public const string InvalidCredentials = SessionAuth.Web.Accounts.CredentialInput.InvalidCredentials;
    }

    // Only the echoed email and the fresh antiforgery token may differ.
    private static string Normalize(string html) => System.Text.RegularExpressions.Regex.Replace(
        html, "(name=\"__RequestVerificationToken\" type=\"hidden\"|name=\"Input.Email\") value=\"[^\"]*\"", "$1");
}
