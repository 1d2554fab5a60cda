using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Sessions;
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

    [Fact]
    public async Task ARefreshBetweenTheStampRotationAndTheGrantsRestampKeepsTheGrant()
    {
        var restamp = new RestampAfterNextRotation();
        await using var pair = await RedisAppPair.StartAsync(configureServices: restamp.WrapRegisteredStore);
        var (email, tokens) = await pair.App.RegisterAndGetTokensAsync("stamp-race");
        var userId = (await AccountsDb.UserAsync(pair.App, email)).Id;
        var before = await StoredStampAsync(pair.App, userId);

        // A sign-out elsewhere, step by step: its first step (the new stamp in the database) by hand, its restamp of
        // the grants armed to land just after the refresh has read the grant with the old stamp.
        await using (var scope = pair.App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            Assert.True((await users.UpdateSecurityStampAsync((await users.FindByIdAsync(userId))!)).Succeeded);
        }

        var after = await StoredStampAsync(pair.App, userId);
        restamp.Arm(userId, before, after);
        var api = pair.App.CreateApiClient();

        var refreshed = await api.RefreshAsync(tokens.RefreshToken);

        Assert.True(restamp.Landed, "the restamp never ran between the grant's read and the decision");
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var next = await TokenClient.ReadPairAsync(refreshed);
        Assert.Equal(HttpStatusCode.OK, (await api.RefreshAsync(next.RefreshToken)).StatusCode);
        Assert.Single(await GrantsAsync(pair.App, email));
    }

    [Fact]
    public async Task AStampRotationThatLosesAWriteRaceReadsTheUserAgainAndSucceeds()
    {
        var touch = new TouchUserBeforeNextStampSave();
        await using var pair = await RedisAppPair.StartAsync(
            configureServices: services => services.ConfigureDbContext<SqliteAccountsDbContext>(options => options.AddInterceptors(touch)));
        var (email, tokens) = await pair.App.RegisterAndGetTokensAsync("stamp-conflict");
        var userId = (await AccountsDb.UserAsync(pair.App, email)).Id;
        using var staying = pair.App.CreateAppClient();
        using var leaving = pair.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await staying.LoginAsync(email)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await leaving.LoginAsync(email)).StatusCode);
        var before = await StoredStampAsync(pair.App, userId);

        // Another write to the user (a wrong password counted, say) lands between the rotation's read and its save.
        touch.Arm(pair.App.DatabasePath);
        Assert.Equal(HttpStatusCode.Redirect, (await leaving.LogoutAsync()).StatusCode);

        Assert.True(touch.Touched, "no write raced the rotation");
        var after = await StoredStampAsync(pair.App, userId);
        Assert.NotEqual(before, after);
        Assert.DoesNotContain(pair.App.Logs.Entries, e => e.EventId.Name == "SessionStampNotRotated");
        var survivor = Assert.Single(await pair.App.Services.GetRequiredService<ISessionStore>().ListByUserAsync(userId));
        Assert.Equal(after, survivor.Record.SecurityStamp);
        Assert.Equal(HttpStatusCode.OK, (await staying.GetAsync("/Dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await pair.App.CreateApiClient().RefreshAsync(tokens.RefreshToken)).StatusCode);
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        var problem = await TokenClient.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(TokenEndpoints.RefusedRefreshToken, problem.GetProperty("detail").GetString());
    }

    private static async Task<IReadOnlyList<GrantSummary>> GrantsAsync(SessionAuthApplication app, string email) =>
        await app.Services.GetRequiredService<IRefreshGrantStore>().ListByUserAsync((await AccountsDb.UserAsync(app, email)).Id);

    private static async Task<string?> StoredStampAsync(SessionAuthApplication app, string userId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        return await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.SecurityStamp).SingleAsync();
    }

    /// <summary>
    /// The app's real grant store, which once armed moves the user's grants to the new stamp right after a refresh
    /// has rotated (and so read) a grant: the moment a stamp rotation's restamp lands in the middle of a refresh.
    /// </summary>
    private sealed class RestampAfterNextRotation
    {
        private (string UserId, string Before, string After)? _armed;

        public bool Landed { get; private set; }

        public void Arm(string userId, string? before, string? after) => _armed = (userId, before!, after!);

        public void WrapRegisteredStore(IServiceCollection services)
        {
            var registered = services.Last(d => d.ServiceType == typeof(IRefreshGrantStore));
            services.Remove(registered);
            services.AddSingleton<IRefreshGrantStore>(sp =>
                new Store((IRefreshGrantStore)ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!), this));
        }

        private sealed class Store(IRefreshGrantStore inner, RestampAfterNextRotation owner) : IRefreshGrantStore
        {
            public string Name => inner.Name;

            public Task<RefreshToken> CreateAsync(RefreshGrant grant, CancellationToken cancellationToken = default) => inner.CreateAsync(grant, cancellationToken);

            public async Task<RefreshResult> RotateAsync(RefreshToken token, CancellationToken cancellationToken = default)
            {
                var result = await inner.RotateAsync(token, cancellationToken);
                if (owner._armed is { } armed)
                {
                    owner._armed = null;
                    owner.Landed = await inner.RestampAllByUserAsync(armed.UserId, armed.Before, armed.After, cancellationToken) == 1;
                }

                return result;
            }

            public Task<bool> RevokeAsync(RefreshToken token, CancellationToken cancellationToken = default) => inner.RevokeAsync(token, cancellationToken);

            public Task<bool> ExistsAsync(string userId, string grantId, CancellationToken cancellationToken = default) => inner.ExistsAsync(userId, grantId, cancellationToken);

            public Task<string?> StampOfAsync(string userId, string grantId, CancellationToken cancellationToken = default) => inner.StampOfAsync(userId, grantId, cancellationToken);

            public Task<IReadOnlyList<GrantSummary>> ListByUserAsync(string userId, CancellationToken cancellationToken = default) => inner.ListByUserAsync(userId, cancellationToken);

            public Task<bool> RevokeByHandleAsync(string userId, GrantHandle handle, CancellationToken cancellationToken = default) =>
                inner.RevokeByHandleAsync(userId, handle, cancellationToken);

            public Task<IReadOnlyList<int>> CountByUsersAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken = default) =>
                inner.CountByUsersAsync(userIds, cancellationToken);

            public Task<int> RevokeAllByUserAsync(string userId, CancellationToken cancellationToken = default) => inner.RevokeAllByUserAsync(userId, cancellationToken);

            public Task<int> RestampAllByUserAsync(string userId, string replacedStamp, string newStamp, CancellationToken cancellationToken = default) =>
                inner.RestampAllByUserAsync(userId, replacedStamp, newStamp, cancellationToken);
        }
    }

    /// <summary>
    /// Once armed, changes the user row's concurrency stamp on its own connection just before the app saves a
    /// user: the save then fails on the concurrency check, as when another request wrote the user meanwhile.
    /// </summary>
    private sealed class TouchUserBeforeNextStampSave : SaveChangesInterceptor
    {
        private string? _databasePath;

        public bool Touched { get; private set; }

        public void Arm(string databasePath) => _databasePath = databasePath;

        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
            DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            var user = eventData.Context?.ChangeTracker.Entries<ApplicationUser>().FirstOrDefault(e => e.State == EntityState.Modified);
            if (user is not null && Interlocked.Exchange(ref _databasePath, null) is { } path)
            {
                await using var connection = new SqliteConnection($"Data Source={path}");
                await connection.OpenAsync(cancellationToken);
                await using var command = connection.CreateCommand();
                command.CommandText = "UPDATE AspNetUsers SET ConcurrencyStamp = $stamp WHERE Id = $id";
                command.Parameters.AddWithValue("$stamp", Guid.NewGuid().ToString());
                command.Parameters.AddWithValue("$id", user.Entity.Id);
                Touched = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
            }

            return result;
        }
    }
}
