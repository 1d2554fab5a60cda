using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Accounts;

/// <summary>Lockout and rate limits (ASVS 2.2.1): guessing is slow for one account and for one client.</summary>
public sealed class BruteForceTests
{
    [Fact]
    public async Task FiveFailuresLockTheAccountForFifteenMinutesAndOnlyTheRightPasswordHearsSo()
    {
        await using var pair = await RedisAppPair.StartAsync();
        var app = pair.App;
        using var client = app.CreateAppClient();
        var email = Emails.Unique("lockout");
        await client.RegisterAsync(email);
        var wrong = new List<string>();

        for (var i = 0; i < 5; i++)
        {
            wrong.Add(Normalize(await AppClient.BodyAsync(await client.LoginAsync(email, "not the password at all"))));
        }

        var wrongWhileLocked = await client.LoginAsync(email, "not the password either");
        var correctButLocked = await client.LoginAsync(email);

        // A wrong guess while locked reads as any wrong guess; the right password hears why and is offered the reset.
        Assert.Equal(wrong[0], Normalize(await AppClient.BodyAsync(wrongWhileLocked)));
        Assert.Equal(HttpStatusCode.OK, correctButLocked.StatusCode);
        Assert.Null(AppClient.SetCookie(correctButLocked, AppClient.SessionCookieName));
        var lockedHtml = System.Net.WebUtility.HtmlDecode(await AppClient.BodyAsync(correctButLocked));
        Assert.Contains(Web.Pages.Account.LoginModel.LockedOutText, lockedHtml, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"locked-out-reset\"", lockedHtml, StringComparison.Ordinal);
        Assert.DoesNotContain(CredentialInput.InvalidCredentials, lockedHtml, StringComparison.Ordinal);
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var lockoutEnd = await users.GetLockoutEndDateAsync((await users.FindByEmailAsync(email))!);
        Assert.NotNull(lockoutEnd);
        Assert.InRange(lockoutEnd.Value - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
        Assert.Contains(app.Logs.Entries, e => e.EventId.Id == 1013);
    }

    [Fact]
    public void NoAccountTakesMoreThanOneHundredFailedAttemptsAnHour()
    {
        using var app = new SessionAuthApplication(null);
        var lockout = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<IdentityOptions>>().Value.Lockout;

        var attemptsPerHour = lockout.MaxFailedAccessAttempts * (TimeSpan.FromHours(1) / lockout.DefaultLockoutTimeSpan);

        Assert.True(lockout.AllowedForNewUsers);
        Assert.True(attemptsPerHour <= 100, $"{attemptsPerHour} attempts an hour");
    }

    [Theory]
    [InlineData("/Account/Login")]
    [InlineData("/Account/Register")]
    public async Task TooManyPostsFromOneClientGet429WithRetryAfter(string path)
    {
        await using var pair = await RedisAppPair.StartAsync(new Dictionary<string, string?>
        {
            ["AccountEndpoints:PermitLimit"] = "3",
            ["AccountEndpoints:Window"] = "00:01:00",
        });
        var app = pair.App;
        using var client = app.CreateAppClient();
        var token = await client.GetAntiforgeryTokenAsync(path);
        var statuses = new List<HttpStatusCode>();

        HttpResponseMessage last = null!;
        for (var i = 0; i < 4; i++)
        {
            last = await client.Http.PostAsync(path, new FormUrlEncodedContent(
                [new("Input.Email", "someone@example.com"), new("Input.Password", "a wrong password"), new("__RequestVerificationToken", token)]));
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.NotNull(last.Headers.RetryAfter?.Delta);
        Assert.InRange(last.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.Contains("Too many attempts", await AppClient.BodyAsync(last), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path)).StatusCode); // reading the form is not limited
    }

    private static string Normalize(string html) => System.Text.RegularExpressions.Regex.Replace(
        html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"[^\"]*\"", "");
}
