using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Tests.Accounts;
using SessionAuth.Web.Tests.Infrastructure;
using SessionAuth.Web.Tokens;

namespace SessionAuth.Web.Tests.Tokens;

/// <summary>
/// A refresh grant carries the security stamp read with the password it was issued on: a password
/// change (even one that lands during the sign-in), a revoke or an operator's lock refuses its next
/// refresh; a lockout from wrong passwords and the owner's sign-out on the web do not.
/// </summary>
public sealed class RefreshStampTests
{
    private const string NewPassword = "a brand new passphrase for me";

    [Fact]
    public async Task AChangedSecurityStampRefusesTheRefreshAndEndsTheGrant()
    {
        await using var pair = await RedisAppPair.StartAsync();
        var (email, tokens) = await pair.App.RegisterAndGetTokensAsync("stamp-moved");

        await using (var scope = pair.App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            Assert.True((await users.UpdateSecurityStampAsync((await users.FindByEmailAsync(email))!)).Succeeded);
        }

        var refused = await pair.App.CreateApiClient().RefreshAsync(tokens.RefreshToken);

        await AssertRefusedAsync(refused);
        Assert.Empty(await GrantsAsync(pair.App, email));
        Assert.Contains(pair.App.Logs.Entries, e => e.EventId.Id == 3015 && e.Message.Contains("security stamp changed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnOperatorsLockRefusesTheRefresh()
    {
        await using var pair = await RedisAppPair.StartAsync();
        var (email, tokens) = await pair.App.RegisterAndGetTokensAsync("operator-refresh");

        Assert.True((await AccountLockTests.WithLocksAsync(pair.App, email, (locks, user) => locks.LockByOperatorAsync(user))).Succeeded);

        await AssertRefusedAsync(await pair.App.CreateApiClient().RefreshAsync(tokens.RefreshToken));
        Assert.Empty(await GrantsAsync(pair.App, email));
    }

    [Fact]
    public async Task ALockoutFromWrongGuessesLeavesTheRefreshWorking()
    {
        await using var pair = await RedisAppPair.StartAsync();
        var (email, tokens) = await pair.App.RegisterAndGetTokensAsync("guessed-refresh");
        var api = pair.App.CreateApiClient();
        for (var guess = 1; guess <= 5; guess++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await api.RequestTokenAsync(email, $"wrong guess number {guess}")).StatusCode);
        }

        var refreshed = await api.RefreshAsync(tokens.RefreshToken);

        Assert.True((await AccountsDb.UserAsync(pair.App, email)).LockoutEnd > DateTimeOffset.UtcNow, "the guesses locked nothing");
        var next = await TokenClient.ReadPairAsync(refreshed);
        Assert.Equal(HttpStatusCode.OK, (await api.RefreshAsync(next.RefreshToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.RequestTokenAsync(email)).StatusCode); // a new sign-in waits for the lockout
    }

    [Fact]
    public async Task SigningOutOnTheWebRotatesTheStampButTheOwnersGrantsMoveWithIt()
    {
        await using var pair = await RedisAppPair.StartAsync();
        var (email, tokens) = await pair.App.RegisterAndGetTokensAsync("sign-out-keeps-grant");
        using var browser = pair.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.LoginAsync(email)).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await browser.LogoutAsync()).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await pair.App.CreateApiClient().RefreshAsync(tokens.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task AGrantIssuedOnTheOldPasswordWhileThePasswordChangesIsRefusedAtItsFirstRefresh()
    {
        var hasher = new PausingPasswordHasher();
        await using var pair = await RedisAppPair.StartAsync(
            new Dictionary<string, string?> { ["Accounts:Passwords:HashConcurrency"] = "2" },
            services => hasher.WrapRegisteredHasher(services));
        var email = Emails.Unique("change-race");
        using var owner = pair.App.CreateAppClient();
        await owner.RegisterAndLoginAsync(email);

        // The API sign-in has read the user and is checking the old password when the change runs to its end
        // (its revoke of every grant finds none yet), then the check passes on the old hash it read.
        hasher.PauseNextVerification();
        var signIn = pair.App.CreateApiClient().RequestTokenAsync(email);
        await hasher.Paused.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.Redirect, (await AccountForms.ChangePasswordAsync(owner, AppClient.Password, NewPassword)).StatusCode);
        hasher.Resume();
        var tokens = await TokenClient.ReadPairAsync(await signIn);

        await AssertRefusedAsync(await pair.App.CreateApiClient().RefreshAsync(tokens.RefreshToken));
        Assert.Empty(await GrantsAsync(pair.App, email));
        Assert.Equal(HttpStatusCode.OK, (await pair.App.CreateApiClient().RequestTokenAsync(email, NewPassword)).StatusCode);
    }

    [Fact]
    public async Task TokenSignInsRacingAPasswordChangeLeaveNoGrantThatRefreshes()
    {
        await using var pair = await RedisAppPair.StartAsync(new Dictionary<string, string?> { ["Accounts:Passwords:HashConcurrency"] = "3" });
        var email = Emails.Unique("change-race-many");
        using var owner = pair.App.CreateAppClient();
        await owner.RegisterAndLoginAsync(email);
        var antiforgery = await owner.GetAntiforgeryTokenAsync("/Account/ChangePassword");

        var signIns = Enumerable.Range(0, 6).Select(_ => Task.Run(() => pair.App.CreateApiClient().RequestTokenAsync(email))).ToList();
        var change = owner.Http.PostAsync("/Account/ChangePassword", new FormUrlEncodedContent(
        [
            new("Input.OldPassword", AppClient.Password), new("Input.NewPassword", NewPassword),
            new("Input.ConfirmPassword", NewPassword), new("__RequestVerificationToken", antiforgery),
        ]));
        await Task.WhenAll(signIns);
        Assert.Equal(HttpStatusCode.Redirect, (await change).StatusCode);

        // Every grant was issued on the old password: whether its sign-in ended before the change or raced
        // it, none may be refreshed now.
        foreach (var signIn in signIns)
        {
            var response = await signIn;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                continue;
            }

            var tokens = await TokenClient.ReadPairAsync(response);
            await AssertRefusedAsync(await pair.App.CreateApiClient().RefreshAsync(tokens.RefreshToken));
        }

        Assert.Empty(await GrantsAsync(pair.App, email));
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        var problem = await TokenClient.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(TokenEndpoints.RefusedRefreshToken, problem.GetProperty("detail").GetString());
    }

    private static async Task<IReadOnlyList<GrantSummary>> GrantsAsync(SessionAuthApplication app, string email) =>
        await app.Services.GetRequiredService<IRefreshGrantStore>().ListByUserAsync((await AccountsDb.UserAsync(app, email)).Id);
}
