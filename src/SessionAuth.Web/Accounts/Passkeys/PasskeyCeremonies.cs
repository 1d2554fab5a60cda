using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Accounts.Passkeys;

/// <summary>
/// Where a passkey ceremony's state waits between the options and the browser's answer: in the ceremony store
/// (Redis, or in process), under a random handle the browser holds in an HttpOnly, SameSite=Strict cookie of its
/// own. Beginning a ceremony replaces the cookie; finishing one (or trying to) spends the record, so a captured
/// answer cannot be played again, and a challenge dies after <see cref="PasskeysOptions.Timeout"/> unused.
/// </summary>
internal sealed class PasskeyCeremonies(
    IPasskeyCeremonyStore store, IOptions<PasskeysOptions> options, IOptions<ServerSessionOptions> sessions)
{
    public const string Attestation = "attestation";
    public const string Assertion = "assertion";

    /// <summary>32 random bytes in base64url.</summary>
    private const int HandleLength = 43;

    public string CookieName => sessions.Value.SecureCookies ? "__Host-passkey" : "passkey";

    public async Task BeginAsync(HttpContext http, string operation, string state)
    {
        var handle = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var lifetime = options.Value.Timeout;
        await store.PutAsync(handle, operation, state, lifetime, http.RequestAborted);
        http.Response.Cookies.Append(CookieName, handle, Cookie(lifetime));
    }

    /// <summary>The state of this browser's open ceremony of <paramref name="operation"/>, spent by this call; null when there is none.</summary>
    public async Task<string?> TakeAsync(HttpContext http, string operation)
    {
        if (!http.Request.Cookies.TryGetValue(CookieName, out var handle) || !Base64UrlText.HasLength(handle, HandleLength))
        {
            return null;
        }

        http.Response.Cookies.Delete(CookieName, Cookie(TimeSpan.Zero));
        var record = await store.TakeAsync(handle, http.RequestAborted);
        // A registration's state must not finish a sign-in, nor the other way round.
        return record is { } taken && string.Equals(taken.Operation, operation, StringComparison.Ordinal) ? taken.State : null;
    }

    private CookieOptions Cookie(TimeSpan lifetime) => new()
    {
        HttpOnly = true,
        Secure = sessions.Value.SecureCookies,
        SameSite = SameSiteMode.Strict,
        Path = "/",
        MaxAge = lifetime,
        IsEssential = true,
    };
}
