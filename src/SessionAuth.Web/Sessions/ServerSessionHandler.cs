using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace SessionAuth.Web.Sessions;

/// <summary>
/// Authentication by server-side session: the cookie carries a signed opaque id, the store holds
/// the user. Each authenticated request costs one store call (<see cref="ISessionStore.GetAndTouchAsync"/>);
/// the cookie is written only at sign-in and never renewed, so no request extends the absolute limit.
/// </summary>
internal sealed class ServerSessionHandler(
    IOptionsMonitor<ServerSessionSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ISessionStore store,
    SessionCookieProtector protector,
    IOptions<IdentityOptions> identityOptions,
    TimeProvider time,
    Hosting.SessionAuthMetrics metrics)
    : SignInAuthenticationHandler<ServerSessionSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    private readonly ClaimsIdentityOptions _claimTypes = identityOptions.Value.ClaimsIdentity;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var cookie = SessionCookieReader.Read(Request, Options.CookieName);
        if (string.IsNullOrEmpty(cookie))
        {
            return AuthenticateResult.NoResult();
        }

        try
        {
            var id = await protector.UnprotectAsync(cookie, Context.RequestAborted);
            if (id is null)
            {
                SessionLog.RejectedCookie(Logger);
                DeleteCookie();
                return AuthenticateResult.NoResult();
            }

            var started = time.GetTimestamp();
            SessionRecord? record;
            try
            {
                record = await store.GetAndTouchAsync(id.Value, Context.RequestAborted);
            }
            catch (SessionStoreUnavailableException)
            {
                metrics.StoreLookupFailed(time.GetElapsedTime(started));
                throw;
            }

            metrics.StoreLookup(time.GetElapsedTime(started), found: record is not null);
            if (record is null)
            {
                DeleteCookie();
                return AuthenticateResult.NoResult();
            }

            Context.Features.Set(new ServerSessionFeature(id.Value, record, store.Name));
            return AuthenticateResult.Success(new AuthenticationTicket(CreatePrincipal(record), Scheme.Name));
        }
        catch (SessionStoreUnavailableException ex)
        {
            // Fail closed: nobody is signed in while the store is away; the challenge answers 503.
            Context.Features.Set(new SessionStoreUnavailableFeature());
            SessionLog.StoreUnavailable(Logger, store.Name, ex);
            return AuthenticateResult.Fail(ex.Message);
        }
    }

    protected override async Task HandleSignInAsync(ClaimsPrincipal user, AuthenticationProperties? properties)
    {
        // A new id at every sign-in, and the session the browser came with is ended: no fixation.
        var previous = await CurrentSessionIdAsync();
        if (previous is { } previousId && await store.RemoveAsync(previousId, Context.RequestAborted) is not null)
        {
            SessionLog.SessionReplaced(Logger, previousId.Fingerprint());
        }

        var record = CreateRecord(user, properties?.IsPersistent == true);
        var id = SessionId.New(record.UserId);
        // The cookie value first (it may ask the store for the shared key): if that fails, no record
        // has been written yet, so a failed sign-in never leaves a session nobody holds a cookie for.
        var value = await protector.ProtectAsync(id, Context.RequestAborted);
        await store.CreateAsync(id, record, Context.RequestAborted);

        // Later code in this request (e.g. "end my other sessions") sees the session it now has.
        Context.Features.Set(new ServerSessionFeature(id, record, store.Name));
        Response.Cookies.Append(Options.CookieName, value, CookieOptions(record.IsPersistent ? record.AbsoluteExpiresAt : null));
        SessionLog.SessionCreated(Logger, record.UserId, id.Fingerprint(), store.Name, record.IsPersistent);
        metrics.SessionCreated();
    }

    protected override async Task HandleSignOutAsync(AuthenticationProperties? properties)
    {
        var id = await CurrentSessionIdAsync();
        if (id is { } sessionId && await store.RemoveAsync(sessionId, Context.RequestAborted) is { } ended)
        {
            SessionLog.SessionEnded(Logger, ended.UserId, sessionId.Fingerprint());
            metrics.SessionEnded(Hosting.SessionEndReason.SignOut);
        }

        DeleteCookie();
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // Also without a cookie: sending someone to a sign-in that cannot work helps nobody.
        if (Context.SessionStoreUnavailable() || !store.IsAvailable)
        {
            // The host adds Retry-After to every 503.
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            metrics.StoreUnavailableResponse();
            return Task.CompletedTask;
        }

        // To the login form, with a local ReturnUrl: the page asked for, as the framework's cookie scheme does.
        var returnUrl = properties.RedirectUri ?? OriginalPathBase + OriginalPath + Request.QueryString;
        Response.Redirect(OriginalPathBase + Options.LoginPath + QueryString.Create(Options.ReturnUrlParameter, returnUrl));
        return Task.CompletedTask;
    }

    /// <summary>Signed in but not allowed: 403, no redirect.</summary>
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }

    /// <summary>The session this request resolved, or else the one its cookie names (valid signature, maybe gone).</summary>
    private async ValueTask<SessionId?> CurrentSessionIdAsync() =>
        Context.GetServerSession()?.Id
        ?? await protector.UnprotectAsync(SessionCookieReader.Read(Request, Options.CookieName), Context.RequestAborted);

    private SessionRecord CreateRecord(ClaimsPrincipal user, bool isPersistent) =>
        SessionClaims.ToRecord(user, _claimTypes, Context, time.GetUtcNow(), Options.AbsoluteTimeout, isPersistent);

    private ClaimsPrincipal CreatePrincipal(SessionRecord record) =>
        SessionClaims.ToPrincipal(record, _claimTypes, Scheme.Name);

    private CookieOptions CookieOptions(DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        Secure = Options.SecureCookies,
        SameSite = SameSiteMode.Lax,
        Path = "/",
        IsEssential = true,
        Expires = expires,
    };

    private void DeleteCookie()
    {
        if (!Response.HasStarted)
        {
            Response.Cookies.Delete(Options.CookieName, CookieOptions(null));
        }
    }
}
