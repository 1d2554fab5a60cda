using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace SessionAuth.Web.Sessions;

/// <summary>
/// The app's <see cref="IAntiforgery"/>, so the form tag helper, <c>Html.AntiForgeryToken()</c> and
/// Razor Pages' automatic validation all go through it. A request with a server session uses the
/// session's own CSRF secret (<see cref="SessionCsrfToken"/>): no cookie, no Data Protection, a token
/// that dies with the session. Every other request uses the framework's antiforgery (cookie token
/// plus Data Protection), which is what the anonymous forms (sign-in, register) need.
/// </summary>
/// <remarks>
/// The two kinds never stand in for each other: a signed-in request must bring its session's token,
/// so a token issued before sign-in (or to another session) is refused, and a session token sent
/// without its live session (signed out, ended elsewhere, expired) fails the framework's check: 400.
/// A record written before sessions had a secret keeps the framework's antiforgery, the protection
/// it was issued with, until it expires.
/// </remarks>
internal sealed class SessionAntiforgery(IAntiforgery framework, IOptions<AntiforgeryOptions> options) : IAntiforgery
{
    private readonly AntiforgeryOptions _options = options.Value;

    public AntiforgeryTokenSet GetAndStoreTokens(HttpContext httpContext)
    {
        if (SessionTokenFor(httpContext) is not { } token)
        {
            return framework.GetAndStoreTokens(httpContext);
        }

        if (!httpContext.Response.HasStarted)
        {
            // As the framework does: a page that carries a token must not be cached.
            httpContext.Response.Headers.CacheControl = "no-cache, no-store";
            httpContext.Response.Headers.Pragma = "no-cache";
        }

        return token;
    }

    public AntiforgeryTokenSet GetTokens(HttpContext httpContext) =>
        SessionTokenFor(httpContext) ?? framework.GetTokens(httpContext);

    public async Task<bool> IsRequestValidAsync(HttpContext httpContext)
    {
        if (!HasSessionSecret(httpContext))
        {
            return await framework.IsRequestValidAsync(httpContext);
        }

        var method = httpContext.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method))
        {
            return true;
        }

        try
        {
            await ValidateSessionTokenAsync(httpContext);
            return true;
        }
        catch (AntiforgeryValidationException)
        {
            return false;
        }
    }

    public Task ValidateRequestAsync(HttpContext httpContext)
    {
        if (HasSessionSecret(httpContext))
        {
            return ValidateSessionTokenAsync(httpContext);
        }

        // A signed-in person's form while the store is away: its token is the session's, which cannot
        // be read now. That is a 503 (try again), not a 400 (your form is bad), and nothing runs.
        if (httpContext.SessionStoreUnavailable())
        {
            throw new SessionStoreUnavailableException("The session store is unavailable; the form's token cannot be checked.");
        }

        return framework.ValidateRequestAsync(httpContext);
    }

    public void SetCookieTokenAndHeader(HttpContext httpContext)
    {
        // A session token needs no cookie of its own: the session cookie already names the secret.
        if (!HasSessionSecret(httpContext))
        {
            framework.SetCookieTokenAndHeader(httpContext);
        }
    }

    private static bool HasSessionSecret(HttpContext httpContext)
    {
        Span<byte> secret = stackalloc byte[SessionCsrfToken.SecretBytes];
        return SessionCsrfToken.TryDecodeSecret(httpContext.GetServerSession()?.Record.CsrfSecret, secret);
    }

    /// <summary>This response's masked token (one per response, however many forms), or null without a session secret.</summary>
    private AntiforgeryTokenSet? SessionTokenFor(HttpContext httpContext)
    {
        if (httpContext.GetServerSession() is not { } session)
        {
            return null;
        }

        // Keyed by session: a sign-in or rotation within this request must not reuse the old session's token.
        if (httpContext.Features.Get<IssuedSessionToken>() is { } issued && issued.Session == session.Id)
        {
            return issued.Tokens;
        }

        Span<byte> secret = stackalloc byte[SessionCsrfToken.SecretBytes];
        if (!SessionCsrfToken.TryDecodeSecret(session.Record.CsrfSecret, secret))
        {
            return null;
        }

        var tokens = new AntiforgeryTokenSet(SessionCsrfToken.Mask(secret), cookieToken: null, _options.FormFieldName, _options.HeaderName);
        httpContext.Features.Set(new IssuedSessionToken(session.Id, tokens));
        return tokens;
    }

    private async Task ValidateSessionTokenAsync(HttpContext httpContext)
    {
        var token = await ReadRequestTokenAsync(httpContext)
            ?? throw new AntiforgeryValidationException($"The form token ({_options.FormFieldName}) is missing.");

        // Read again after the await: the session is the one this request authenticated with.
        Span<byte> secret = stackalloc byte[SessionCsrfToken.SecretBytes];
        if (!SessionCsrfToken.TryDecodeSecret(httpContext.GetServerSession()?.Record.CsrfSecret, secret)
            || !SessionCsrfToken.Matches(token, secret))
        {
            throw new AntiforgeryValidationException("The form token does not belong to this session.");
        }
    }

    /// <summary>Where the framework looks too: the header first, then the form field; an unreadable form is a failed check.</summary>
    private async Task<string?> ReadRequestTokenAsync(HttpContext httpContext)
    {
        var request = httpContext.Request;
        if (_options.HeaderName is { } header && request.Headers[header] is { Count: > 0 } fromHeader)
        {
            return fromHeader.ToString();
        }

        if (!request.HasFormContentType || _options.SuppressReadingTokenFromFormBody)
        {
            return null;
        }

        try
        {
            var form = await request.ReadFormAsync(httpContext.RequestAborted);
            return form[_options.FormFieldName] is { Count: > 0 } fromForm ? fromForm.ToString() : null;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            throw new AntiforgeryValidationException("The form could not be read.", ex);
        }
    }

    private sealed record IssuedSessionToken(SessionId Session, AntiforgeryTokenSet Tokens);
}

internal static class SessionAntiforgeryExtensions
{
    /// <summary>
    /// Puts <see cref="SessionAntiforgery"/> in front of the framework's <see cref="IAntiforgery"/>
    /// (internal type, so it is taken from its registration), which it keeps for requests without a session.
    /// </summary>
    public static IServiceCollection AddSessionAntiforgery(this IServiceCollection services)
    {
        services.AddAntiforgery();
        var framework = services.Last(d => d.ServiceType == typeof(IAntiforgery) && !d.IsKeyedService);
        services.Replace(ServiceDescriptor.Singleton<IAntiforgery>(provider => new SessionAntiforgery(
            (IAntiforgery)(framework.ImplementationInstance
                ?? framework.ImplementationFactory?.Invoke(provider)
                ?? ActivatorUtilities.CreateInstance(provider, framework.ImplementationType!)),
            provider.GetRequiredService<IOptions<AntiforgeryOptions>>())));
        return services;
    }
}
