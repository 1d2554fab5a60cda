using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Pages;

/// <summary>
/// A sign-in on the form that read the user before a password change and writes its session after the
/// change has ended the other sessions: the change's stamp rotation must not carry that session along.
/// The interleaving is forced (the sign-in's password check and the change's revoke are held), not hoped for.
/// </summary>
public sealed class PasswordChangeRaceTests
{
    [Fact]
    public async Task AFormSignInOnTheOldPasswordThatLandsDuringThePasswordChangeEndsAtItsNextValidation()
    {
        var hasher = new PausingPasswordHasher();
        var revoke = new HeldRevoker();
        await using var pair = await RedisAppPair.StartAsync(
            new Dictionary<string, string?>
            {
                ["Sessions:ValidationInterval"] = "00:00:01",
                ["Accounts:Passwords:HashConcurrency"] = "2",
            },
            services =>
            {
                hasher.WrapRegisteredHasher(services);
                services.AddSingleton<IUserCredentialRevoker>(revoke);
            });
        var email = Emails.Unique("form-race");
        using var owner = pair.App.CreateAppClient();
        await owner.RegisterAndLoginAsync(email);
        using var racer = pair.App.CreateAppClient();

        hasher.PauseNextVerification();
        var signIn = racer.LoginAsync(email);
        await hasher.Paused.WaitAsync(TimeSpan.FromSeconds(30));
        revoke.HoldNext();
        var change = AccountForms.ChangePasswordAsync(owner, AppClient.Password, "a brand new passphrase for me");
        await revoke.Reached.WaitAsync(TimeSpan.FromSeconds(30)); // the other sessions are gone, the stamp not yet rotated
        hasher.Resume();
        var login = await signIn;
        revoke.Release();

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode); // the old password was checked against the old hash it read
        Assert.Equal(HttpStatusCode.Redirect, (await change).StatusCode);
        await Task.Delay(TimeSpan.FromMilliseconds(1300));

        var racing = await racer.GetAsync("/Dashboard");
        Assert.Equal(HttpStatusCode.Redirect, racing.StatusCode);
        Assert.StartsWith("/Account/Login", racing.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/Dashboard")).StatusCode);
    }

    /// <summary>Takes part in "end every other credential" and can hold it once, between the sessions' end and the stamp's rotation.</summary>
    private sealed class HeldRevoker : IUserCredentialRevoker
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _armed;

        public Task Reached => _reached.Task;

        public void HoldNext() => Interlocked.Exchange(ref _armed, 1);

        public void Release() => _release.TrySetResult();

        public async Task<int> RevokeAllAsync(string userId, CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref _armed, 0) == 1)
            {
                _reached.TrySetResult();
                await _release.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            }

            return 0;
        }

        public Task RestampAsync(string userId, string replacedStamp, string newStamp, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
