using System.Net;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Pages;

/// <summary>Registration under a race, and what it answers for a taken email: what a new one hears (no enumeration).</summary>
public class RegistrationTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    [Fact]
    public async Task TwentyParallelRegistrationsOfOneEmailMakeOneAccountAndEveryoneHearsTheSameAnswer()
    {
        var email = Emails.Unique("race");
        var clients = Enumerable.Range(0, 20).Select(_ => fixture.App.CreateAppClient()).ToList();
        var answers = await RegistrationRace.RegisterAtOnceAsync(clients, email);

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode));
        Assert.Single(answers.Select(a => a.Headers.Location?.OriginalString).Distinct());

        Assert.Single(await AccountsDb.UsersWithEmailAsync(fixture.App, email));
        // EF Core itself logs the refused insert; no request ended in the exception handler.
        Assert.DoesNotContain(fixture.App.Logs.UnhandledExceptions, e => e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task ATakenEmailGetsTheAnswerOfANewRegistrationAndSignsNobodyIn()
    {
        var email = Emails.Unique("taken");
        using var first = fixture.App.CreateAppClient();
        var created = await first.RegisterAsync(email);
        using var second = fixture.App.CreateAppClient();

        var again = await second.RegisterAsync(email.ToUpperInvariant(), "another long passphrase here");

        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal(created.StatusCode, again.StatusCode);
        Assert.Equal(created.Headers.Location, again.Headers.Location);
        Assert.Equal(await AppClient.BodyAsync(created), await AppClient.BodyAsync(again));
        Assert.Null(AppClient.SessionCookieValue(again));
        Assert.Single(await AccountsDb.UsersWithEmailAsync(fixture.App, email));
        // The stranger's password opens nothing; the owner's still does.
        Assert.Equal(HttpStatusCode.OK, (await second.LoginAsync(email, "another long passphrase here")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await first.LoginAsync(email)).StatusCode);
    }

    [Fact]
    public async Task ATakenEmailWithAWeakPasswordHearsThePasswordRulesAsANewOneWould()
    {
        var email = Emails.Unique("taken-weak");
        using var first = fixture.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await first.RegisterAsync(email)).StatusCode);

        var taken = await first.RegisterAsync(email, "aaaaaaaaaaaa");
        var fresh = await first.RegisterAsync(Emails.Unique("fresh-weak"), "aaaaaaaaaaaa");

        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        var takenHtml = System.Net.WebUtility.HtmlDecode(await AppClient.BodyAsync(taken));
        Assert.Contains("Repeats like \"aaa\" are easy to guess.", takenHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("already exists", takenHtml, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(ErrorSummary(System.Net.WebUtility.HtmlDecode(await AppClient.BodyAsync(fresh))), ErrorSummary(takenHtml));
    }

    [Fact]
    public async Task AnUnusableEmailAndAGuessablePasswordAreReportedTogether()
    {
        using var client = fixture.App.CreateAppClient();

        var response = await client.RegisterAsync("zoë@例え.テスト", "aaaaaaaaaaaa");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = System.Net.WebUtility.HtmlDecode(await AppClient.BodyAsync(response));
        Assert.Contains("This email address cannot be used.", html, StringComparison.Ordinal);
        Assert.Contains("Repeats like \"aaa\" are easy to guess.", html, StringComparison.Ordinal);
    }

    private static string ErrorSummary(string html) =>
        System.Text.RegularExpressions.Regex.Match(html, "<div id=\"error-summary\".*?</div>", System.Text.RegularExpressions.RegexOptions.Singleline).Value;
}
