using System.Data.Common;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Infrastructure;

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
    SessionAuthMetrics metrics)
    : SignInAuthenticationHandler<ServerSessionSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    private readonly ClaimsIdentityOptions _claimTypes = identityOptions.Value.ClaimsIdentity;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var cookie = SessionCookieReader.Read(Request, Options.CookieName);
        if (string.IsNullOrEmpty(cookie))
        {
            return NoSession(AuthenticateResult.NoResult());
        }

        try
        {
            var id = await protector.UnprotectAsync(cookie, Context.RequestAborted);
            if (id is null)
            {
                SessionLog.RejectedCookie(Logger);
                DeleteCookie();
                return NoSession(AuthenticateResult.NoResult());
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
            if (record is not null && (record.ValidatedAt ?? record.CreatedAt) + Options.ValidationInterval <= time.GetUtcNow())
            {
                // Once per Sessions:ValidationInterval, never per request: the hot path stays one GETEX.
                var validation = await RevalidateAsync(id.Value, record);
                if (validation.Unavailable)
                {
                    return NoSession(AuthenticateResult.NoResult());
                }

                record = validation.Record;
            }

            if (record is null)
            {
                DeleteCookie();
                return NoSession(AuthenticateResult.NoResult());
            }

            Context.Features.Set(new ServerSessionFeature(id.Value, record, store.Name));
            // HttpContext.Session: the data came with the record; nothing is parsed unless a page reads it.
            Context.Features.Set<ISessionFeature>(new ServerSessionData(Context, id.Value, record.Data, store, Options.MaxDataBytes));
            return AuthenticateResult.Success(new AuthenticationTicket(CreatePrincipal(record), Scheme.Name));
        }
        catch (SessionStoreUnavailableException ex)
        {
            // Fail closed: nobody is signed in while the store is away; the challenge answers 503.
            Context.Features.Set(new SessionStoreUnavailableFeature());
            SessionLog.StoreUnavailable(Logger, store.Name, ex);
            return NoSession(AuthenticateResult.Fail(ex.Message));
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
        var id = SessionId.New(record.UserId, record.IsPersistent);
        // The cookie value first (it may ask the store for the shared key): if that fails, no record
        // has been written yet, so a failed sign-in never leaves a session nobody holds a cookie for.
        var value = await protector.ProtectAsync(id, Context.RequestAborted);
        var evicted = await store.CreateAsync(id, record, Context.RequestAborted);

        // Later code in this request (e.g. "end my other sessions") sees the session it now has, and its
        // HttpContext.Session starts empty: nothing of the session (or the visitor) before carries over.
        Context.Features.Set(new ServerSessionFeature(id, record, store.Name));
        EndSessionData();
        Context.Features.Set<ISessionFeature>(new ServerSessionData(Context, id, ReadOnlyMemory<byte>.Empty, store, Options.MaxDataBytes));
        Response.Cookies.Append(Options.CookieName, value, CookieOptions(record.IsPersistent ? record.AbsoluteExpiresAt : null));
        SessionLog.SessionCreated(Logger, record.UserId, id.Fingerprint(), store.Name, record.IsPersistent);
        metrics.SessionCreated();
        if (evicted.Count > 0)
        {
            foreach (var ended in evicted)
            {
                SessionLog.SessionEvicted(Logger, record.UserId, ended.Handle.Fingerprint(), ended.LastActiveAt);
                metrics.SessionEnded(SessionEndReason.Limit);
            }

            await RaiseAsync(nameof(ServerSessionEvents.OnSessionsEvicted),
                () => Options.Events.SessionsEvicted(new SessionsEvictedContext(Context, record.UserId, evicted)));
        }
    }

    protected override async Task HandleSignOutAsync(AuthenticationProperties? properties)
    {
        var id = await CurrentSessionIdAsync();
        if (id is { } sessionId && await store.RemoveAsync(sessionId, Context.RequestAborted) is { } ended)
        {
            SessionLog.SessionEnded(Logger, ended.UserId, sessionId.Fingerprint());
            await RotateStampAfterSignOutAsync(ended.UserId);
            metrics.SessionEnded(SessionEndReason.SignOut);
        }

        EndSessionData();
        Context.Features.Set<ISessionFeature>(SignedOutSession.Instance);
        DeleteCookie();
    }

    /// <summary>Anonymous: HttpContext.Session says clearly that there is no session data (<see cref="SignedOutSession"/>).</summary>
    private AuthenticateResult NoSession(AuthenticateResult result)
    {
        Context.Features.Set<ISessionFeature>(SignedOutSession.Instance);
        return result;
    }

    /// <summary>Changes the request made to a session that ends now are not written.</summary>
    private void EndSessionData() => (Context.Features.Get<ISessionFeature>() as ServerSessionData)?.End();

    /// <summary>
    /// A signed-out session is ended like a revoked one: the stamp rotates and the user's other sessions
    /// carry the new one, so a copy of this session that Redis brings back dies at its next validation.
    /// Best effort (<see cref="ISessionStampRotator"/> logs a failure): the session is already gone.
    /// </summary>
    private async Task RotateStampAfterSignOutAsync(string userId)
    {
        if (Context.RequestServices.GetService<ISessionStampRotator>() is { } rotator)
        {
            await rotator.RotateStampAsync(userId, Context.RequestAborted);
        }
    }

    private readonly record struct Validation(SessionRecord? Record, bool Unavailable = false);

    /// <summary>
    /// Checks the session against the user store (<see cref="ISessionUserValidator"/>, resolved here and not in
    /// the constructor, so requests between validations build none of it): the user still exists, is not locked by an operator and
    /// has the security stamp the session carries. A failed check ends the session; a passed one writes
    /// the validation time and the user's current roles back (one SET … KEEPTTL XX). On a stamp mismatch the record is read once more
    /// first: a revoke elsewhere rotates the stamp in the database and then re-stamps the user's
    /// surviving sessions, and this one may have been read in between.
    /// </summary>
    private async Task<Validation> RevalidateAsync(SessionId id, SessionRecord record)
    {
        SessionUserState? user;
        try
        {
            user = await Context.RequestServices.GetRequiredService<ISessionUserValidator>().GetStateAsync(record.UserId, Context.RequestAborted);
        }
        catch (DbException ex)
        {
            // Fail closed, but keep the session: it is checked again at the next request.
            SessionLog.ValidationUnavailable(Logger, id.Fingerprint(), ex);
            return new Validation(null, Unavailable: true);
        }

        var stamp = user?.SecurityStamp;
        SessionRejectionReason? reason = user is null ? SessionRejectionReason.UserDeleted
            : user.Value.LockedByOperator ? SessionRejectionReason.LockedOut
            : null;
        if (reason is null && !string.Equals(record.SecurityStamp, stamp, StringComparison.Ordinal))
        {
            var again = await store.GetAndTouchAsync(id, Context.RequestAborted);
            if (again is null)
            {
                return new Validation(null);
            }

            record = again;
            reason = string.Equals(record.SecurityStamp, stamp, StringComparison.Ordinal) ? null : SessionRejectionReason.SecurityStampChanged;
        }

        if (reason is { } rejected)
        {
            await store.RemoveAsync(id, Context.RequestAborted);
            metrics.SessionEnded(SessionEndReason.Revalidation);
            SessionLog.SessionRejected(Logger, record.UserId, id.Fingerprint(), rejected);
            await RaiseAsync(nameof(ServerSessionEvents.OnSessionRejected),
                () => Options.Events.SessionRejected(new SessionRejectedContext(Context, id.Handle, record, rejected)));
            return new Validation(null);
        }

        // The roles too: a role given or taken since sign-in reaches the session here, and only here.
        var validated = record with { ValidatedAt = time.GetUtcNow(), Roles = user!.Value.Roles ?? record.Roles };
        return new Validation(await store.UpdateAsync(id, validated, Context.RequestAborted) ? validated : null);
    }

    /// <summary>An event handler's failure (say, the activity log's database) never fails the request.</summary>
    private async Task RaiseAsync(string name, Func<Task> raise)
    {
        try
        {
            await raise();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            SessionLog.EventFailed(Logger, name, ex);
        }
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
        SessionClaims.ToRecord(user, _claimTypes, Context, time.GetUtcNow(),
            isPersistent ? Options.PersistentAbsoluteTimeout : Options.AbsoluteTimeout, isPersistent);

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
