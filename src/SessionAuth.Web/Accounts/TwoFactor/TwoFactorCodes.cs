using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SessionAuth.Web.Accounts.Activity;

namespace SessionAuth.Web.Accounts.TwoFactor;

public enum CodeCheck
{
    Accepted,

    /// <summary>Wrong, malformed, or already used (counted toward the lockout), or a try that could not be counted (nothing checked).</summary>
    Refused,

    /// <summary>The account is locked (now, or by this very failure): no code is checked.</summary>
    LockedOut,
}

/// <summary>
/// The second factor's checks, shared by the sign-in pages and the token API. An authenticator code works once
/// per account for its whole window, on every instance (<see cref="ITwoFactorStore.TryUseCodeAsync"/>): Identity
/// accepts a code for two 30-second steps either side of now, so a code seen over a shoulder or in a proxy log
/// would otherwise work for minutes. A wrong or reused code and a wrong recovery code count toward the password
/// lockout, whose rules they share: it blocks new sign-ins only. Each try is counted before its code is checked
/// (<see cref="FailedPasswordCounter.ClaimAttemptAsync"/>), so parallel guesses get no more tries than serial ones.
/// </summary>
public sealed class TwoFactorCodes(
    UserManager<ApplicationUser> users,
    AccountsDbContext db,
    ITwoFactorStore store,
    ActivityLog activity,
    ILogger<TwoFactorCodes> logger)
{
    /// <summary>
    /// How long a used code stays refused: Identity accepts it from two steps before its own to two after (150
    /// seconds in all), plus a step for clocks that disagree.
    /// </summary>
    public static readonly TimeSpan CodeWindow = TimeSpan.FromSeconds(180);

    /// <summary>A code as an app shows it ("123 456") or as typed; null when it cannot be one.</summary>
    public static string? NormalizeCode(string? code)
    {
        var digits = code?.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return digits is { Length: 6 } && digits.All(char.IsAsciiDigit) ? digits : null;
    }

    /// <summary>Checks an authenticator code (signing in, or the API's "otp").</summary>
    public async Task<CodeCheck> CheckAuthenticatorCodeAsync(ApplicationUser user, string? code, HttpContext http, CancellationToken cancellationToken)
    {
        var claim = await users.ClaimAttemptAsync(db, user);
        if (Unchecked(claim) is { } answer)
        {
            return answer;
        }

        var normalized = NormalizeCode(code);
        if (normalized is not null && await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, normalized))
        {
            if (await store.TryUseCodeAsync(user.Id, normalized, CodeWindow, cancellationToken))
            {
                return await AcceptAsync(claim, user);
            }

            return Fail(claim, user, http, "code already used");
        }

        return Fail(claim, user, http, "wrong code");
    }

    /// <summary>Marks the code that turned two-factor on as used, so it cannot sign in a second time.</summary>
    public Task<bool> UseEnablingCodeAsync(string userId, string code, CancellationToken cancellationToken) =>
        store.TryUseCodeAsync(userId, code, CodeWindow, cancellationToken);

    /// <summary>Redeems a recovery code (each works once: Identity removes it).</summary>
    public async Task<CodeCheck> RedeemRecoveryCodeAsync(ApplicationUser user, string? code, HttpContext http)
    {
        var claim = await users.ClaimAttemptAsync(db, user);
        if (Unchecked(claim) is { } answer)
        {
            return answer;
        }

        var typed = code?.Replace(" ", "", StringComparison.Ordinal).Trim();
        if (!string.IsNullOrEmpty(typed) && typed.Length <= 32)
        {
            if ((await users.RedeemTwoFactorRecoveryCodeAsync(user, typed)).Succeeded)
            {
                return await AcceptAsync(claim, user);
            }

            // A redeem another request's save overtook leaves its shortened code list tracked; a later save in this
            // request would write that stale list over the other's.
            foreach (var unsaved in db.ChangeTracker.Entries().Where(entry => entry.State == EntityState.Modified).ToList())
            {
                await unsaved.ReloadAsync();
            }
        }

        return Fail(claim, user, http, "wrong recovery code");
    }

    /// <summary>
    /// The answer when the claim leaves no code to check: locked out, or a try that could not be counted (an uncounted
    /// try checks nothing, so guesses cannot get past the count by making it fail). Null: check the code.
    /// </summary>
    private static CodeCheck? Unchecked(AttemptClaim claim) => claim switch
    {
        AttemptClaim.LockedOut => CodeCheck.LockedOut,
        AttemptClaim.NotCounted => CodeCheck.Refused,
        _ => null,
    };

    private async Task<CodeCheck> AcceptAsync(AttemptClaim claim, ApplicationUser user) =>
        await users.RefundAttemptAsync(claim, user) ? CodeCheck.Accepted : CodeCheck.LockedOut;

    /// <summary>The failure was counted by the claim before the check; this only tells of it.</summary>
    private CodeCheck Fail(AttemptClaim claim, ApplicationUser user, HttpContext http, string reason)
    {
        var clientIp = http.Connection.RemoteIpAddress?.ToString();
        TwoFactorLog.SecondStepFailed(logger, user.Id, clientIp, reason);
        activity.RecordAfterResponse(user.Id, ActivityKind.SignInFailed, http, reason);
        if (claim == AttemptClaim.CountedLast)
        {
            AccountsLog.AccountLockedOut(logger, user.Id, clientIp);
            activity.RecordAfterResponse(user.Id, ActivityKind.LockedOut, http);
            return CodeCheck.LockedOut;
        }

        return CodeCheck.Refused;
    }
}
