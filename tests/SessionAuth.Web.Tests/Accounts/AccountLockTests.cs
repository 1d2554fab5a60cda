using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tests.Infrastructure;
using SessionAuth.Web.Tests.Tokens;

namespace SessionAuth.Web.Tests.Accounts;

/// <summary>
/// A lockout from wrong passwords blocks new sign-ins and nothing else: whoever knows an email must not
/// be able to sign its owner out everywhere. An operator's lock ends the owner's sessions at their next
/// validation. Real Redis and SQLite, with a one-second validation interval.
/// </summary>
public sealed class AccountLockTests
{
    private static readonly Dictionary<string, string?> ShortValidation = new() { ["Sessions:ValidationInterval"] = "00:00:01" };

    private static readonly TimeSpan PastTheInterval = TimeSpan.FromMilliseconds(1300);

    private const int SessionRejectedEvent = 2010;

    [Theory]
    [InlineData("form")]
    [InlineData("token API")]
    public async Task FiveWrongGuessesLockNewSignInsButTheOwnersSessionSurvivesItsValidation(string way)
    {
        await using var pair = await RedisAppPair.StartAsync(ShortValidation);
        var email = Emails.Unique("guessed");
        using var owner = pair.App.CreateAppClient();
        await owner.RegisterAndLoginAsync(email);
        using var formAttacker = pair.App.CreateAppClient();
        var apiAttacker = pair.App.CreateApiClient();

        for (var guess = 1; guess <= 5; guess++)
        {
            var wrong = $"wrong guess number {guess}";
            if (way == "form")
            {
                Assert.Equal(HttpStatusCode.OK, (await formAttacker.LoginAsync(email, wrong)).StatusCode);
            }
            else
            {
                Assert.Equal(HttpStatusCode.Unauthorized, (await apiAttacker.RequestTokenAsync(email, wrong)).StatusCode);
            }
        }

        await Task.Delay(PastTheInterval);

        Assert.True((await AccountsDb.UserAsync(pair.App, email)).LockoutEnd > DateTimeOffset.UtcNow, "the guesses locked nothing");
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/Dashboard")).StatusCode);
        await AssertSignInRefusedAsync(pair.App, email);
        Assert.DoesNotContain(pair.App.Logs.Entries, e => e.EventId.Id == SessionRejectedEvent);
    }

    [Fact]
    public async Task AnOperatorsLockEndsTheSessionAtItsNextValidationAndRefusesSignInUntilLifted()
    {
        await using var pair = await RedisAppPair.StartAsync(ShortValidation);
        var email = Emails.Unique("operator-lock");
        using var owner = pair.App.CreateAppClient();
        await owner.RegisterAndLoginAsync(email);
        var userId = (await AccountsDb.UserAsync(pair.App, email)).Id;
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/Dashboard")).StatusCode);

        Assert.True((await WithLocksAsync(pair.App, email, (locks, user) => locks.LockByOperatorAsync(user))).Succeeded);
        await Task.Delay(PastTheInterval);

        var afterLock = await owner.GetAsync("/Dashboard");
        Assert.Equal(HttpStatusCode.Redirect, afterLock.StatusCode);
        Assert.StartsWith("/Account/Login", afterLock.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(0, await AccountsDb.SessionCountAsync(pair.App, userId));
        await AssertSignInRefusedAsync(pair.App, email);
        Assert.Equal(DateTimeOffset.MaxValue, (await AccountsDb.UserAsync(pair.App, email)).LockoutEnd);

        Assert.True((await WithLocksAsync(pair.App, email, (locks, user) => locks.UnlockAsync(user))).Succeeded);

        using var again = pair.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await again.LoginAsync(email)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/Dashboard")).StatusCode);
    }

    [Fact]
    public async Task UnlockLiftsAGuessingLockoutAndStartsTheCountAgain()
    {
        await using var pair = await RedisAppPair.StartAsync();
        var email = Emails.Unique("unlock-guessed");
        using var client = pair.App.CreateAppClient();
        await client.RegisterAsync(email);
        for (var guess = 1; guess <= 5; guess++)
        {
            await client.LoginAsync(email, $"wrong guess number {guess}");
        }

        Assert.True((await WithLocksAsync(pair.App, email, (locks, user) => locks.UnlockAsync(user))).Succeeded);

        var row = await AccountsDb.UserAsync(pair.App, email);
        Assert.Null(row.LockoutEnd);
        Assert.Equal(0, row.AccessFailedCount);
        Assert.Equal(HttpStatusCode.Redirect, (await client.LoginAsync(email)).StatusCode);
    }

    [Fact]
    public async Task TheChangePasswordLockoutEndsTheGuessingSessionOnlyAndTheOwnersOtherSessionSurvivesItsValidation()
    {
        await using var pair = await RedisAppPair.StartAsync(ShortValidation);
        var email = Emails.Unique("change-lockout");
        using var thief = pair.App.CreateAppClient();
        await thief.RegisterAndLoginAsync(email);
        using var owner = pair.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await owner.LoginAsync(email)).StatusCode);

        HttpResponseMessage last = null!;
        for (var guess = 1; guess <= 5; guess++)
        {
            last = await AccountForms.ChangePasswordAsync(thief, $"wrong guess number {guess}", "a brand new passphrase for me");
        }

        Assert.Equal("/Account/Login?Notice=locked-out", last.Headers.Location?.OriginalString);
        await Task.Delay(PastTheInterval);

        Assert.Equal(HttpStatusCode.Redirect, (await thief.GetAsync("/Dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/Dashboard")).StatusCode);
        Assert.Equal(1, await AccountsDb.SessionCountAsync(pair.App, (await AccountsDb.UserAsync(pair.App, email)).Id));
        await AssertSignInRefusedAsync(pair.App, email);
    }

    [Theory]
    [InlineData(0, false)] // a guessing lockout as it starts
    [InlineData(30, false)] // the same, written by an instance whose clock runs 30 s ahead
    [InlineData(-960, false)] // one that ended a minute ago
    [InlineData(86_400, true)] // a day longer than any guessing lockout
    public void OnlyALockEndingBeyondTheGuessingLockoutIsAnOperatorsLock(int secondsBeyondAGuessingLockout, bool operatorLock)
    {
        var now = DateTimeOffset.UtcNow;
        var guessing = TimeSpan.FromMinutes(15);
        var end = now + guessing + TimeSpan.FromSeconds(secondsBeyondAGuessingLockout);

        Assert.Equal(operatorLock, AccountLocks.IsOperatorLock(lockoutEnabled: true, end, now, guessing));
        Assert.True(AccountLocks.IsOperatorLock(lockoutEnabled: true, DateTimeOffset.MaxValue, now, guessing));
        Assert.False(AccountLocks.IsOperatorLock(lockoutEnabled: false, DateTimeOffset.MaxValue, now, guessing));
        Assert.False(AccountLocks.IsOperatorLock(lockoutEnabled: true, null, now, guessing));
    }

    /// <summary>The right password is refused on the form (no session) and through the API (401) while the lock lasts.</summary>
    internal static async Task AssertSignInRefusedAsync(SessionAuthApplication app, string email)
    {
        using var form = app.CreateAppClient();
        var login = await form.LoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Null(AppClient.SessionCookieValue(login));
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateApiClient().RequestTokenAsync(email)).StatusCode);
    }

    /// <summary>What the operator console will do: <see cref="AccountLocks"/> on the user, in a scope of its own.</summary>
    internal static async Task<IdentityResult> WithLocksAsync(
        SessionAuthApplication app, string email, Func<AccountLocks, ApplicationUser, Task<IdentityResult>> operation)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync(email);
        Assert.NotNull(user);
        return await operation(scope.ServiceProvider.GetRequiredService<AccountLocks>(), user);
    }
}
