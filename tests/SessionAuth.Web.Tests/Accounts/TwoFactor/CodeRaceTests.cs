using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Accounts.TwoFactor;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Accounts.TwoFactor;

/// <summary>
/// Second-step checks that overlap: requests that read the user before other requests' failures were saved still
/// meet the lockout, and parallel guesses with one pending step get no more tries than serial ones.
/// </summary>
public sealed class CodeRaceTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    private const int SecondStepFailedEvent = 1102;

    [Fact]
    public async Task ARightCodeIsRefusedWhenFailuresCountedAfterTheUserWasReadLockedTheAccount()
    {
        var (email, twoFactor) = await TwoFactorForms.NewAccountAsync(fixture.App, "stale-user");
        var userId = (await AccountsDb.UserAsync(fixture.App, email)).Id;
        await using var first = fixture.App.Services.CreateAsyncScope();
        var readEarly = await first.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByIdAsync(userId);
        for (var i = 0; i < 5; i++)
        {
            await CheckInOwnScopeAsync(userId, Totp.Wrong(twoFactor.Key));
        }

        var check = await first.ServiceProvider.GetRequiredService<TwoFactorCodes>()
            .CheckAuthenticatorCodeAsync(readEarly!, Totp.Now(twoFactor.Key), new DefaultHttpContext(), CancellationToken.None);

        Assert.Equal(CodeCheck.LockedOut, check);
        Assert.True((await AccountsDb.UserAsync(fixture.App, email)).LockoutEnd > DateTimeOffset.UtcNow, "Five wrong codes did not lock the account.");
    }

    [Fact]
    public async Task TwentyParallelWrongCodesReadBeforeAnyFailureGetFiveTriesAndTheRightCodeAfterwardsIsRefused()
    {
        var (email, twoFactor) = await TwoFactorForms.NewAccountAsync(fixture.App, "parallel");
        var userId = (await AccountsDb.UserAsync(fixture.App, email)).Id;
        var requests = new List<AsyncServiceScope>();
        try
        {
            // Twenty requests that all loaded the user (as each request does first) before any of them checked a code.
            var loaded = new List<(TwoFactorCodes Codes, ApplicationUser User)>();
            for (var i = 0; i < 20; i++)
            {
                var scope = fixture.App.Services.CreateAsyncScope();
                requests.Add(scope);
                loaded.Add((scope.ServiceProvider.GetRequiredService<TwoFactorCodes>(),
                    (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByIdAsync(userId))!));
            }

            var guesses = await Task.WhenAll(loaded.Select(request =>
                request.Codes.CheckAuthenticatorCodeAsync(request.User, Totp.Wrong(twoFactor.Key), new DefaultHttpContext(), CancellationToken.None)));
            var right = await CheckInOwnScopeAsync(userId, Totp.Now(twoFactor.Key));

            // Four refused, the fifth locks; every later try meets the lockout without its code being checked.
            Assert.Equal(4, guesses.Count(g => g == CodeCheck.Refused));
            Assert.Equal(16, guesses.Count(g => g == CodeCheck.LockedOut));
            Assert.Equal(5, fixture.App.Logs.Entries.Count(e => e.EventId.Id == SecondStepFailedEvent && e.Message.Contains(userId, StringComparison.Ordinal)));
            Assert.Equal(CodeCheck.LockedOut, right);
        }
        finally
        {
            foreach (var scope in requests)
            {
                await scope.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ARecoveryCodeRedeemedWhileAnotherRequestHeldTheCodesStaysUsed()
    {
        var (email, twoFactor) = await TwoFactorForms.NewAccountAsync(fixture.App, "recovery-race");
        var userId = (await AccountsDb.UserAsync(fixture.App, email)).Id;
        var (first, second) = (twoFactor.RecoveryCodes[0], twoFactor.RecoveryCodes[1]);
        await using var late = fixture.App.Services.CreateAsyncScope();
        var lateUsers = late.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var lateUser = (await lateUsers.FindByIdAsync(userId))!;
        Assert.Equal(10, await lateUsers.CountRecoveryCodesAsync(lateUser));
        Assert.Equal(CodeCheck.Accepted, await RedeemInOwnScopeAsync(userId, first));

        var redeemed = await late.ServiceProvider.GetRequiredService<TwoFactorCodes>().RedeemRecoveryCodeAsync(lateUser, second, new DefaultHttpContext());
        var firstAgain = await RedeemInOwnScopeAsync(userId, first);

        Assert.Equal(CodeCheck.Accepted, redeemed);
        Assert.Equal(CodeCheck.Refused, firstAgain);
        await using var check = fixture.App.Services.CreateAsyncScope();
        var users = check.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        Assert.Equal(8, await users.CountRecoveryCodesAsync((await users.FindByIdAsync(userId))!));
    }

    [Fact]
    public async Task ATryThatCannotBeCountedChecksNoCodeAndLocksNothing()
    {
        var (email, twoFactor) = await TwoFactorForms.NewAccountAsync(fixture.App, "uncountable");
        var userId = (await AccountsDb.UserAsync(fixture.App, email)).Id;
        // A user name with a character Identity's validator refuses (as a row written before the rule could hold):
        // every write of this user fails validation, the try's count included.
        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
            await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(set => set.SetProperty(u => u.UserName, "not allowed " + email));
        }

        var check = await CheckInOwnScopeAsync(userId, Totp.Now(twoFactor.Key));

        Assert.Equal(CodeCheck.Refused, check);
        var after = (await AccountsDb.FindUserByIdAsync(fixture.App, userId))!;
        Assert.Null(after.LockoutEnd);
        Assert.Equal(0, after.AccessFailedCount);
    }

    private async Task<CodeCheck> RedeemInOwnScopeAsync(string userId, string code)
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByIdAsync(userId);
        return await scope.ServiceProvider.GetRequiredService<TwoFactorCodes>().RedeemRecoveryCodeAsync(user!, code, new DefaultHttpContext());
    }

    /// <summary>One request's worth of a code check: its own scope, its own copy of the user.</summary>
    private async Task<CodeCheck> CheckInOwnScopeAsync(string userId, string code)
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByIdAsync(userId);
        return await scope.ServiceProvider.GetRequiredService<TwoFactorCodes>()
            .CheckAuthenticatorCodeAsync(user!, code, new DefaultHttpContext(), CancellationToken.None);
    }
}
