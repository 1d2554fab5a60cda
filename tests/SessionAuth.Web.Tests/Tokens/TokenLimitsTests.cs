using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Tokens;

/// <summary>The token endpoint is one more door to the same password check: same lockout, same rate-limit budget.</summary>
public sealed class TokenLimitsTests
{
    [Fact]
    public async Task FailuresThroughTheFormAndTheApiCountTowardOneLockout()
    {
        await using var pair = await RedisAppPair.StartAsync();
        var app = pair.App;
        using var form = app.CreateAppClient();
        var email = Emails.Unique("sharedlock");
        await form.RegisterAsync(email);
        var api = app.CreateApiClient();

        for (var i = 0; i < 3; i++)
        {
            await form.LoginAsync(email, "not the password at all");
        }

        for (var i = 0; i < 2; i++)
        {
            await TokenClient.AssertProblemAsync(await api.RequestTokenAsync(email, "not the password at all"), HttpStatusCode.Unauthorized);
        }

        var apiWithRightPassword = await api.RequestTokenAsync(email);
        var formWithRightPassword = await form.LoginAsync(email);

        await TokenClient.AssertProblemAsync(apiWithRightPassword, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, formWithRightPassword.StatusCode); // the form shown again, no session
        Assert.Null(AppClient.SetCookie(formWithRightPassword, AppClient.SessionCookieName));
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        Assert.True(await users.IsLockedOutAsync((await users.FindByEmailAsync(email))!));
        Assert.Contains(app.Logs.Entries, e => e.EventId.Id == 1013);
    }

    [Fact]
    public async Task LoginFormAndTokenAttemptsDrainOneRateLimitBudget()
    {
        await using var pair = await RedisAppPair.StartAsync(new Dictionary<string, string?>
        {
            ["AccountEndpoints:PermitLimit"] = "4",
            ["AccountEndpoints:Window"] = "00:01:00",
        });
        var app = pair.App;
        using var form = app.CreateAppClient();
        var api = app.CreateApiClient();
        var statuses = new List<HttpStatusCode>();

        statuses.Add((await form.LoginAsync("someone@example.com", "a wrong password")).StatusCode);
        statuses.Add((await api.RequestTokenAsync("someone@example.com", "a wrong password")).StatusCode);
        statuses.Add((await form.LoginAsync("someone@example.com", "a wrong password")).StatusCode);
        statuses.Add((await api.RequestTokenAsync("someone@example.com", "a wrong password")).StatusCode);
        var apiOverBudget = await api.RequestTokenAsync("someone@example.com", "a wrong password");
        var formOverBudget = await form.LoginAsync("someone@example.com", "a wrong password");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Unauthorized, HttpStatusCode.OK, HttpStatusCode.Unauthorized], statuses);
        await TokenClient.AssertProblemAsync(apiOverBudget, HttpStatusCode.TooManyRequests);
        Assert.InRange(apiOverBudget.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.TooManyRequests, formOverBudget.StatusCode);
        Assert.Contains("Too many attempts", await AppClient.BodyAsync(formOverBudget), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegisteringDoesNotDrawFromTheSignInBudget()
    {
        await using var pair = await RedisAppPair.StartAsync(new Dictionary<string, string?>
        {
            ["AccountEndpoints:PermitLimit"] = "2",
            ["AccountEndpoints:Window"] = "00:01:00",
        });
        using var form = pair.App.CreateAppClient();
        var email = Emails.Unique("budget");
        await form.RegisterAsync(email);
        await form.RegisterAsync(Emails.Unique("budget2"));

        var first = await pair.App.CreateApiClient().RequestTokenAsync(email);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
    }

    [Fact]
    public async Task RefreshAndRevokeShareOneRateLimitWhateverTheSpellingOfTheirPath()
    {
        await using var pair = await RedisAppPair.StartAsync(new Dictionary<string, string?>
        {
            ["Api:RefreshPermitLimit"] = "4",
            ["Api:RefreshWindow"] = "00:01:00",
        });
        var api = pair.App.CreateApiClient();
        var refused = "sa1.notarealtoken";
        var statuses = new List<HttpStatusCode>();

        foreach (var path in new[] { "/api/auth/refresh", "/api/auth/refresh/", "/API/auth/Refresh", "/api/auth/revoke" })
        {
            statuses.Add((await api.PostAsJsonAsync(path, new { refresh_token = refused })).StatusCode);
        }

        var refreshOverBudget = await api.PostAsJsonAsync("/Api/Auth/REFRESH/", new { refresh_token = refused });
        var revokeOverBudget = await api.RevokeAsync(refused);
        var signInStillOpen = await pair.App.RegisterAndGetTokensAsync("budget");

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.NoContent], statuses);
        await TokenClient.AssertProblemAsync(refreshOverBudget, HttpStatusCode.TooManyRequests);
        await TokenClient.AssertProblemAsync(revokeOverBudget, HttpStatusCode.TooManyRequests);
        Assert.InRange(refreshOverBudget.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.False(string.IsNullOrEmpty(signInStillOpen.Pair.AccessToken)); // the sign-in budget is another
    }
}
