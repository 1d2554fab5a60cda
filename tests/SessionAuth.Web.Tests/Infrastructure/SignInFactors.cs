using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Accounts;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>An account's second ways in (passkeys, authenticator, recovery codes), put in and read through Identity.</summary>
internal static class SignInFactors
{
    public sealed record State(bool EmailConfirmed, bool TwoFactorEnabled, string? AuthenticatorKey, int RecoveryCodes, int Passkeys);

    /// <summary>A passkey as a registration would leave it (WebAuthn itself is the browser tests' business).</summary>
    public static UserPasskeyInfo Passkey(byte[] credentialId, string? name = null) =>
        new(credentialId, RandomNumberGenerator.GetBytes(77), DateTimeOffset.UtcNow, 0, ["internal"],
            isUserVerified: true, isBackupEligible: false, isBackedUp: false, attestationObject: [0xA0], clientDataJson: [0x7B, 0x7D]) { Name = name };

    /// <summary>A passkey, an authenticator key with two-factor on, and ten recovery codes, as the account pages would add them.</summary>
    public static async Task AddAllAsync(SessionAuthApplication app, string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = (await users.FindByEmailAsync(email))!;
        Assert.True((await users.AddOrUpdatePasskeyAsync(user, Passkey(RandomNumberGenerator.GetBytes(16)))).Succeeded);
        Assert.True((await users.ResetAuthenticatorKeyAsync(user)).Succeeded);
        Assert.True((await users.SetTwoFactorEnabledAsync(user, true)).Succeeded);
        Assert.Equal(10, (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))!.Count());
    }

    public static async Task<State> ReadAsync(SessionAuthApplication app, string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = (await users.FindByEmailAsync(email))!;
        return new(user.EmailConfirmed, await users.GetTwoFactorEnabledAsync(user), await users.GetAuthenticatorKeyAsync(user),
            await users.CountRecoveryCodesAsync(user), (await users.GetPasskeysAsync(user)).Count);
    }
}
