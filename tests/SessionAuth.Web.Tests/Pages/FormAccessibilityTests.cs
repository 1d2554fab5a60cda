using System.Net;
using System.Text.RegularExpressions;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Pages;

/// <summary>
/// After a failed POST the form says so to everyone: invalid fields carry aria-invalid and
/// Bootstrap's is-invalid, the title starts "Error:", and an error summary is the element focused
/// on load (autofocus, tabindex=-1: no script). Every field rule, the password length included,
/// is reported in one answer.
/// </summary>
public sealed partial class FormAccessibilityTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    [Fact]
    public async Task RegisterReportsEveryFieldRuleInOneAnswerAndMarksTheInvalidFields()
    {
        using var client = fixture.App.CreateAppClient();

        var response = await client.SubmitAsync("/Account/Register",
            [new("Input.Email", "not-an-email"), new("Input.Password", "too short"), new("Input.ConfirmPassword", "something else")]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await AppClient.BodyAsync(response);
        Assert.Equal("Error: Create an account · SessionAuth", Title(html));
        Assert.Contains("Enter a valid email address.", html, StringComparison.Ordinal);
        Assert.Contains("Use at least 12 characters", html, StringComparison.Ordinal);
        Assert.Contains("The two passwords differ.", html, StringComparison.Ordinal);
        foreach (var field in new[] { "Input_Email", "Input_Password", "Input_ConfirmPassword" })
        {
            AssertInvalid(html, field);
        }

        var summary = ErrorSummary(html);
        Assert.Contains("tabindex=\"-1\"", summary, StringComparison.Ordinal);
        Assert.Contains("autofocus", summary, StringComparison.Ordinal);
        Assert.Contains("href=\"#Input_Email\"", summary, StringComparison.Ordinal);
        Assert.Contains("href=\"#Input_Password\"", summary, StringComparison.Ordinal);
        Assert.Equal(1, Regex.Count(html, "autofocus"));
    }

    [Fact]
    public async Task OnlyTheFieldsThatFailedAreMarked()
    {
        using var client = fixture.App.CreateAppClient();

        var response = await client.SubmitAsync("/Account/Register",
            [new("Input.Email", Emails.Unique("valid")), new("Input.Password", "short"), new("Input.ConfirmPassword", "short")]);

        var html = await AppClient.BodyAsync(response);
        AssertInvalid(html, "Input_Password");
        AssertValid(html, "Input_Email");
        AssertValid(html, "Input_ConfirmPassword");
    }

    [Fact]
    public async Task AFailedSignInHasAnErrorTitleAndAFocusedSummaryButDoesNotSayWhichFieldWasWrong()
    {
        using var client = fixture.App.CreateAppClient();

        var response = await client.LoginAsync(Emails.Unique("nobody"), "a wrong password here");

        var html = await AppClient.BodyAsync(response);
        Assert.Equal("Error: Sign in · SessionAuth", Title(html));
        Assert.Contains("Invalid email or password.", ErrorSummary(html), StringComparison.Ordinal);
        AssertValid(html, "Input_Email");
        AssertValid(html, "Input_Password");
    }

    [Fact]
    public async Task AnEmptySignInMarksBothFields()
    {
        using var client = fixture.App.CreateAppClient();

        var response = await client.SubmitAsync("/Account/Login", [new("Input.Email", ""), new("Input.Password", "")]);

        var html = await AppClient.BodyAsync(response);
        Assert.Equal("Error: Sign in · SessionAuth", Title(html));
        AssertInvalid(html, "Input_Email");
        AssertInvalid(html, "Input_Password");
    }

    [Fact]
    public async Task AWrongCurrentPasswordMarksThatFieldOnChangePassword()
    {
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("a11y-change"));

        var response = await AccountForms.ChangePasswordAsync(client, "not my current password", "a brand new passphrase for me");

        var html = await AppClient.BodyAsync(response);
        Assert.Equal("Error: Change password · SessionAuth", Title(html));
        AssertInvalid(html, "Input_OldPassword");
        AssertValid(html, "Input_NewPassword");
        Assert.Contains("href=\"#Input_OldPassword\"", ErrorSummary(html), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/Account/Login", "Sign in · SessionAuth")]
    [InlineData("/Account/Register", "Create an account · SessionAuth")]
    public async Task AFreshFormHasNoErrorMarks(string path, string title)
    {
        using var client = fixture.App.CreateAppClient();

        var html = await AppClient.BodyAsync(await client.GetAsync(path));

        Assert.Equal(title, Title(html));
        Assert.DoesNotContain("aria-invalid", html, StringComparison.Ordinal);
        Assert.DoesNotContain("is-invalid", html, StringComparison.Ordinal);
        Assert.DoesNotContain("error-summary", html, StringComparison.Ordinal);
    }

    private static string Title(string html) => WebUtility.HtmlDecode(TitleElement().Match(html).Groups[1].Value.Trim());

    private static string ErrorSummary(string html)
    {
        var match = SummaryElement().Match(html);
        Assert.True(match.Success, "No error summary on the page.");
        return match.Value;
    }

    private static string InputTag(string html, string id)
    {
        var match = Regex.Match(html, $"<input[^>]*\\bid=\"{id}\"[^>]*>");
        Assert.True(match.Success, $"No input {id}.");
        return match.Value;
    }

    private static void AssertInvalid(string html, string id)
    {
        var tag = InputTag(html, id);
        Assert.Contains("aria-invalid=\"true\"", tag, StringComparison.Ordinal);
        Assert.Matches("class=\"[^\"]*\\bis-invalid\\b", tag);
    }

    private static void AssertValid(string html, string id)
    {
        var tag = InputTag(html, id);
        Assert.DoesNotContain("aria-invalid", tag, StringComparison.Ordinal);
        Assert.DoesNotContain("is-invalid", tag, StringComparison.Ordinal);
    }

    [GeneratedRegex("<title>(.*?)</title>", RegexOptions.Singleline)]
    private static partial Regex TitleElement();

    [GeneratedRegex("<div id=\"error-summary\".*?</div>", RegexOptions.Singleline)]
    private static partial Regex SummaryElement();
}
