using System.Net;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Pages;

/// <summary>Registration under a race, and what it answers for a taken email.</summary>
public class RegistrationTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    private const string TakenEmail = "An account with this email already exists. Sign in instead.";

    [Fact]
    public async Task TwentyParallelRegistrationsOfOneEmailMakeOneAccountAndTheLosersHearTheEmailIsTaken()
    {
        var email = Emails.Unique("race");
        var clients = Enumerable.Range(0, 20).Select(_ => fixture.App.CreateAppClient()).ToList();
        var answers = await RegistrationRace.RegisterAtOnceAsync(clients, email);

        var statuses = answers.Select(r => (int)r.StatusCode).ToList();
        Assert.DoesNotContain(500, statuses);
        Assert.Equal(1, statuses.Count(s => s == 302));
        Assert.Equal(19, statuses.Count(s => s == 200));
        foreach (var loser in answers.Where(r => r.StatusCode == HttpStatusCode.OK))
        {
            Assert.Contains(TakenEmail, await AppClient.BodyAsync(loser), StringComparison.Ordinal);
        }

        Assert.Single(await AccountsDb.UsersWithEmailAsync(fixture.App, email));
        // EF Core itself logs the refused insert; no request ended in the exception handler.
        Assert.DoesNotContain(fixture.App.Logs.UnhandledExceptions, e => e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task ATakenEmailGetsTheSameAnswerAsTheRaceLosers()
    {
        var email = Emails.Unique("taken");
        using var first = fixture.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await first.RegisterAsync(email)).StatusCode);
        using var second = fixture.App.CreateAppClient();

        var again = await second.RegisterAsync(email.ToUpperInvariant());

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains(TakenEmail, await AppClient.BodyAsync(again), StringComparison.Ordinal);
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
}
