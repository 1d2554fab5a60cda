using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Accounts.TwoFactor;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Tokens;

public sealed record TokenRequest(
    [property: JsonPropertyName("email")] string? Email,
    [property: JsonPropertyName("password")] string? Password,
    [property: JsonPropertyName("otp")] string? Otp = null);

public sealed record RefreshTokenRequest([property: JsonPropertyName("refresh_token")] string? RefreshToken);

public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("refresh_token")] string RefreshToken);

public sealed record MeResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("email")] string? Email,
    [property: JsonPropertyName("userName")] string? UserName,
    [property: JsonPropertyName("roles")] string[] Roles);

/// <summary>The handlers of /api (mapped by <see cref="TokensExtensions.MapTokenApi"/>).</summary>
internal static class TokenEndpoints
{
    public const string MfaRequired = "mfa_required";
    public const string MfaRequiredDetail = "This account uses two-factor sign-in: send the code from the authenticator app as \"otp\".";
    public const string WrongOtp = "The one-time code is not right, or was already used.";

    public const string RefusedRefreshToken = "The refresh token is not valid (unknown, already used, revoked or expired). Sign in again.";

    public const string EmailNotConfirmed =
        "Confirm your email address before signing in: open the link we mailed you, or ask for a new one at /Account/ResendConfirmation.";

    private const string LogCategory = "SessionAuth.Web.Tokens.TokenEndpoints";

    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult, ValidationProblem>> IssueAsync(
        TokenRequest? body,
        HttpContext context,
        PasswordSignInCheck credentials,
        TwoFactorCodes secondFactor,
        UserManager<ApplicationUser> users,
        OperatorRole roles,
        IRefreshGrantStore grants,
        AccessTokenIssuer issuer,
        TimeProvider time,
        IEnumerable<ITokenGrantObserver> observers,
        ILoggerFactory logging)
    {
        // The login form's rule (CredentialInput): longer or malformed input is a 400, never a hash (of a megabyte, or of a guess at no account).
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body?.Email))
        {
            errors["email"] = [CredentialInput.EmailMissing];
        }
        else if (CredentialInput.IsEmailTooLong(body.Email))
        {
            errors["email"] = [CredentialInput.EmailTooLong];
        }
        else if (CredentialInput.IsEmailMalformed(body.Email))
        {
            errors["email"] = [CredentialInput.EmailMalformed];
        }

        if (string.IsNullOrEmpty(body?.Password))
        {
            errors["password"] = [CredentialInput.PasswordMissing];
        }
        else if (CredentialInput.IsPasswordTooLong(body.Password))
        {
            errors["password"] = [CredentialInput.PasswordTooLong];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var clientIp = context.Connection.RemoteIpAddress?.ToString();
        var logger = logging.CreateLogger(LogCategory);
        var check = await credentials.CheckAsync(body!.Email!, body.Password!, context, context.RequestAborted);
        if (check.Outcome == SignInCheckOutcome.EmailNotConfirmed)
        {
            // Only after the right password, as on the login form: the address must be confirmed first.
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Email address not confirmed", detail: EmailNotConfirmed);
        }

        if (check.User is not { } user)
        {
            // The login form's words, for unknown email, wrong password and locked account alike.
            return Unauthorized(context, CredentialInput.InvalidCredentials);
        }

        // The stamp as read with the user, before the password was checked (the user object holds it, no read), and
        // before a second factor's check reloads the user to count its try: a password change that lands meanwhile
        // moves the stamp, and this grant's first refresh fails.
        var stamp = await users.GetSecurityStampAsync(user);
        string[] methods = [SignInMethods.Password];
        if (await users.GetTwoFactorEnabledAsync(user))
        {
            if (string.IsNullOrEmpty(body.Otp))
            {
                // Not counted as a failure: the client learns only that a second factor is needed, and asks for it.
                var problem = Unauthorized(context, MfaRequiredDetail);
                problem.ProblemDetails.Extensions["error"] = MfaRequired;
                return problem;
            }

            if (await secondFactor.CheckAuthenticatorCodeAsync(user, body.Otp, context, context.RequestAborted) != CodeCheck.Accepted)
            {
                return Unauthorized(context, WrongOtp);
            }

            await users.ResetAccessFailedCountAsync(user);
            methods = [SignInMethods.Password, SignInMethods.AuthenticatorApp];
        }

        var grant = new RefreshGrant(RefreshGrant.NewId(), user.Id, stamp, time.GetUtcNow(), clientIp, UserAgent(context), methods);
        var refreshToken = await grants.CreateAsync(grant, context.RequestAborted);
        TokensLog.TokenIssued(logger, user.Id, clientIp, grant.Handle.Value);
        foreach (var observer in observers)
        {
            await observer.GrantCreatedAsync(user.Id, grant.Handle, clientIp, grant.UserAgent, context.RequestAborted);
        }

        return TypedResults.Ok(Pair(issuer, issuer.Issue(user, await roles.RolesOfAsync(user), grant.Id, methods), refreshToken, context));
    }

    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult, ValidationProblem>> RefreshAsync(
        RefreshTokenRequest? body,
        HttpContext context,
        UserManager<ApplicationUser> users,
        OperatorRole roles,
        IRefreshGrantStore grants,
        AccessTokenIssuer issuer,
        IEnumerable<ITokenGrantObserver> observers,
        AccountLocks locks,
        SessionAuthMetrics metrics,
        ILoggerFactory logging)
    {
        if (string.IsNullOrEmpty(body?.RefreshToken))
        {
            return MissingRefreshToken();
        }

        var clientIp = context.Connection.RemoteIpAddress?.ToString();
        var logger = logging.CreateLogger(LogCategory);
        if (!RefreshToken.TryParse(body.RefreshToken, out var presented))
        {
            TokensLog.RefreshRefused(logger, clientIp);
            return Unauthorized(context, RefusedRefreshToken);
        }

        var result = await grants.RotateAsync(presented, context.RequestAborted);
        switch (result.Outcome)
        {
            case RefreshOutcome.Reused:
                metrics.RefreshReuseDetected();
                TokensLog.RefreshTokenReused(logger, result.UserId!, clientIp, presented.Handle.Value);
                foreach (var observer in observers)
                {
                    await observer.RefreshTokenReusedAsync(result.UserId!, presented.Handle, clientIp, UserAgent(context), context.RequestAborted);
                }

                return Unauthorized(context, RefusedRefreshToken);
            case RefreshOutcome.Rotated:
                // Fresh from the database: a deleted account's grant ends here, and roles are current. So does a
                // grant whose stamp has moved on (password changed, sessions revoked; a grant stored without a
                // stamp counts as moved on) and one of an account an operator locked. A lockout from wrong
                // passwords does not end it: that only blocks new sign-ins.
                var user = await users.FindByIdAsync(result.UserId!);
                var refusal = user is null ? "user deleted"
                    : locks.IsLockedByOperator(user) ? "locked by an operator"
                    : await StampMovedOnAsync(result, await users.GetSecurityStampAsync(user), grants, context.RequestAborted)
                        ? "security stamp changed"
                        : null;
                if (user is null || refusal is not null)
                {
                    await grants.RevokeAsync(result.Token!.Value, context.RequestAborted);
                    TokensLog.RefreshRefusedForUser(logger, result.UserId!, clientIp, presented.Handle.Value, refusal ?? "user deleted");
                    return Unauthorized(context, RefusedRefreshToken);
                }

                metrics.TokenRefreshed();
                return TypedResults.Ok(Pair(issuer, issuer.Issue(user, await roles.RolesOfAsync(user), result.GrantId!, result.Amr), result.Token!.Value, context));
            default:
                TokensLog.RefreshRefused(logger, clientIp);
                return Unauthorized(context, RefusedRefreshToken);
        }
    }

    /// <summary>RFC 7009: an unknown or already ended token is no error, so the answer says nothing about it.</summary>
    public static async Task<Results<NoContent, ValidationProblem>> RevokeAsync(
        RefreshTokenRequest? body,
        HttpContext context,
        IRefreshGrantStore grants,
        ILoggerFactory logging)
    {
        if (string.IsNullOrEmpty(body?.RefreshToken))
        {
            return MissingRefreshToken();
        }

        if (RefreshToken.TryParse(body.RefreshToken, out var token) && await grants.RevokeAsync(token, context.RequestAborted))
        {
            TokensLog.GrantRevoked(logging.CreateLogger(LogCategory), token.Handle.Value, context.Connection.RemoteIpAddress?.ToString());
        }

        return TypedResults.NoContent();
    }

    /// <summary>Read from the token's claims alone: no database, no Redis (unless Tokens:CheckRevocation).</summary>
    public static Ok<MeResponse> Me(HttpContext context)
    {
        var user = context.User;
        return TypedResults.Ok(new MeResponse(
            TokenClaims.Find(user, TokenClaims.Subject) ?? "",
            TokenClaims.Find(user, TokenClaims.Email),
            TokenClaims.Find(user, TokenClaims.Name),
            user.FindAll(TokenClaims.Roles).Select(claim => claim.Value).ToArray()));
    }

    /// <summary>
    /// Whether the grant's stamp differs from the user's. A stamp rotation that leaves grants valid (a sign-out on
    /// the web) writes the database first and restamps the grants next: a refresh in between sees the new stamp on
    /// the user and the old one on the grant, so the grant is read once more before it is ended (as the session
    /// handler reads a session again). A grant stored without a stamp counts as moved on.
    /// </summary>
    private static async Task<bool> StampMovedOnAsync(RefreshResult result, string? userStamp, IRefreshGrantStore grants, CancellationToken cancellationToken)
    {
        if (result.SecurityStamp is null || userStamp is null)
        {
            return true;
        }

        if (string.Equals(result.SecurityStamp, userStamp, StringComparison.Ordinal))
        {
            return false;
        }

        return !string.Equals(await grants.StampOfAsync(result.UserId!, result.GrantId!, cancellationToken), userStamp, StringComparison.Ordinal);
    }

    private static TokenResponse Pair(AccessTokenIssuer issuer, string accessToken, RefreshToken refreshToken, HttpContext context)
    {
        // Tokens are credentials: no cache keeps the response (RFC 6749 5.1).
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        return new TokenResponse(accessToken, "Bearer", (int)Math.Ceiling(issuer.Lifetime.TotalSeconds), refreshToken.Value);
    }

    private static ValidationProblem MissingRefreshToken() =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["refresh_token"] = ["Send the refresh token."] });

    private static ProblemHttpResult Unauthorized(HttpContext context, string detail)
    {
        // A 401 names its scheme (RFC 9110 15.5.2); the credentials refused here were not a bearer token.
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: detail);
    }

    private static string? UserAgent(HttpContext context)
    {
        var agent = context.Request.Headers.UserAgent.ToString();
        // Bounded: the device list shows a summary, and a megabyte header is no user agent.
        return string.IsNullOrEmpty(agent) ? null : agent.Length > 512 ? agent[..512] : agent;
    }
}
