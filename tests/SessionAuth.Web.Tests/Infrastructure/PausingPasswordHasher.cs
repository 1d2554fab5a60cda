using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Accounts;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>
/// The app's own password hasher, able to hold one verification until told to go on: the one moment a
/// sign-in has read the user and not yet written its grant, which a race can only hit by luck.
/// </summary>
internal sealed class PausingPasswordHasher
{
    private readonly TaskCompletionSource _paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _resume = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _armed;

    public Task Paused => _paused.Task;

    public void PauseNextVerification() => Interlocked.Exchange(ref _armed, 1);

    public void Resume() => _resume.TrySetResult();

    public void WrapRegisteredHasher(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IPasswordHasher<ApplicationUser>));
        services.Remove(registered);
        services.AddSingleton<IPasswordHasher<ApplicationUser>>(sp => new Pausing(
            (IPasswordHasher<ApplicationUser>)(registered.ImplementationInstance
                ?? registered.ImplementationFactory?.Invoke(sp)
                ?? ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!)),
            this));
    }

    private void MaybePause()
    {
        if (Interlocked.Exchange(ref _armed, 0) == 1)
        {
            _paused.TrySetResult();
            // Identity's verification is synchronous: the sign-in's thread waits here, as it would for PBKDF2.
            Assert.True(_resume.Task.Wait(TimeSpan.FromSeconds(30)), "the test never resumed the paused verification");
        }
    }

    private sealed class Pausing(IPasswordHasher<ApplicationUser> inner, PausingPasswordHasher control) : IPasswordHasher<ApplicationUser>
    {
        public string HashPassword(ApplicationUser user, string password) => inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(ApplicationUser user, string hashedPassword, string providedPassword)
        {
            control.MaybePause();
            return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
