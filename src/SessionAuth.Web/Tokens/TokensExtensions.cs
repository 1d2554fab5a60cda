using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Hosting;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Tokens;

internal static class TokensExtensions
{
    public const string ApiPolicy = "api";
    public const string CorsPolicy = "api";

    /// <summary>The rate limiter policy of refresh and revoke: one budget per client for both (Api:RefreshPermitLimit).</summary>
    public const string RefreshRateLimitPolicy = "token-refresh";

    /// <summary>Bodies /api accepts at most: the requests are a few short JSON fields.</summary>
    public const long MaxRequestBytes = 16 * 1024;

    /// <summary>
    /// The token flow: options, key material, the refresh grant store (Redis when ConnectionStrings:Redis
    /// is set, else in-process, as for sessions), and the "Bearer" scheme beside the session one. The
    /// session stays the default scheme, so pages never read a bearer token.
    /// </summary>
    public static WebApplicationBuilder AddTokens(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TokenOptions>().BindConfiguration(TokenOptions.SectionName)
            .PostConfigure<IHostEnvironment>((options, environment) =>
            {
                if (environment.IsDevelopment() && string.IsNullOrWhiteSpace(options.SigningKey)
                    && options.Algorithm is TokenOptions.HS256 or TokenOptions.ES256)
                {
                    var path = DevelopmentSigningKey.PathFor(environment.ContentRootPath, options.Algorithm);
                    options.SigningKey = DevelopmentSigningKey.LoadOrCreate(path, options.Algorithm);
                    options.DevelopmentKeyFile = path;
                }
            })
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton(sp => TokenSigningKey.Create(sp.GetRequiredService<IOptions<TokenOptions>>()));
        services.AddSingleton<AccessTokenIssuer>();
        if (builder.AddRedisConnection())
        {
            services.AddSingleton<IRefreshGrantStore, RedisRefreshGrantStore>();
        }
        else
        {
            services.AddSingleton<IRefreshGrantStore, InMemoryRefreshGrantStore>();
        }

        // API sign-ins and refresh-token reuse go into the user's activity log.
        services.AddScoped<ITokenGrantObserver, ActivityGrantObserver>();
        // Ending all of a user's sessions (SessionRevocation) ends their grants too.
        services.AddSingleton<IUserCredentialRevoker, RefreshGrantRevoker>();

        services.AddAuthentication().AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TokenSigningKey, IOptions<TokenOptions>>((bearer, key, tokens) =>
            {
                bearer.MapInboundClaims = false;
                bearer.IncludeErrorDetails = false;
                bearer.TokenValidationParameters = AccessTokenIssuer.ValidationParameters(key, tokens.Value);
                // One spelling per token: no padding, no stray trailing bits, no high-s ES256 twin (CanonicalJws).
                bearer.TokenHandlers.Clear();
                bearer.TokenHandlers.Add(new CanonicalJsonWebTokenHandler(key.Algorithm));
                bearer.Events = new JwtBearerEvents
                {
                    // A refused token gets error="invalid_token" (RFC 6750 3.1), never why: no oracle for forgers.
                    OnChallenge = context =>
                    {
                        if (context.AuthenticateFailure is not null)
                        {
                            context.Error = "invalid_token";
                        }

                        return Task.CompletedTask;
                    },
                    // Fail closed as the pages do: while the Redis client knows Redis is away (no round trip
                    // to ask), no token is honoured and the API answers 503; with CheckRevocation the grant
                    // must also still exist (one Redis EXISTS).
                    OnTokenValidated = tokens.Value.CheckRevocation ? EnsureGrantLivesAsync : EnsureStoreReachable,
                };
            });
        services.AddAuthorizationBuilder().AddPolicy(ApiPolicy, policy => policy
            .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser());
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<ApiOptions>>((limiter, api) =>
            limiter.AddPolicy(RefreshRateLimitPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                AccountEndpointProtection.ClientKey(context.Connection.RemoteIpAddress),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = api.Value.RefreshPermitLimit, Window = api.Value.RefreshWindow, QueueLimit = 0 })));
        services.AddProblemDetails();
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<ApiOptions>>((cors, api) =>
            cors.AddPolicy(CorsPolicy, policy => policy
                .WithOrigins(api.Value.AllowedOrigins)
                .WithMethods(HttpMethods.Get, HttpMethods.Post)
                .WithHeaders("Authorization", "Content-Type")
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        return builder;
    }

    /// <summary>
    /// Right after routing: problem details for API errors (before the rate limiter, the body cap and
    /// authentication, which set them), then CORS (before authentication, so a preflight needs no token).
    /// </summary>
    public static WebApplication UseTokenApi(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<TokenOptions>>().Value;
        if (options.DevelopmentKeyFile is { } path)
        {
            TokensLog.DevelopmentSigningKey(app.Logger, options.Algorithm, path);
        }

        app.UseApiProblemDetails();
        app.UseCors();
        return app;
    }

    public static WebApplication MapTokenApi(this WebApplication app)
    {
        var api = app.MapGroup("/api")
            .WithMetadata(new ApiEndpointMetadata(), new SkipStatusCodePagesAttribute(), new RequestSizeLimitAttribute(MaxRequestBytes))
            // Bearer only, never the session cookie: so no antiforgery token is needed either.
            .RequireAuthorization(ApiPolicy)
            .DisableAntiforgery();
        if (app.Services.GetRequiredService<IOptions<ApiOptions>>().Value.AllowedOrigins.Length > 0)
        {
            api.RequireCors(CorsPolicy);
        }

        api.MapPost("/auth/token", TokenEndpoints.IssueAsync)
            .AllowAnonymous()
            // The login form's rate-limit bucket: one budget per client for both ways of guessing.
            .RequireRateLimiting(AccountEndpointOptions.RateLimitPolicy)
            .WithMetadata(new RateLimitBucket(AppRoutes.Login))
            .RequireUtf8Json()
            // The password forms' admission: a hashing slot, waited for without a thread once the body is read.
            .AddEndpointFilter<RouteHandlerBuilder, PasswordHashingFilter>();
        api.MapPost("/auth/refresh", TokenEndpoints.RefreshAsync).AllowAnonymous().RequireRateLimiting(RefreshRateLimitPolicy).RequireUtf8Json();
        api.MapPost("/auth/revoke", TokenEndpoints.RevokeAsync).AllowAnonymous().RequireRateLimiting(RefreshRateLimitPolicy).RequireUtf8Json();
        api.MapMethods("/me", [HttpMethods.Get, HttpMethods.Head], TokenEndpoints.Me);

        // Any other method on these routes: 405 with Allow, as problem details. Routing prefers the
        // endpoints above (they name their method and content type), so these catch only what nothing
        // else takes: another method, or the right method with a body that is not JSON (415).
        Unmatched(api, "/auth/token", HttpMethods.Post);
        Unmatched(api, "/auth/refresh", HttpMethods.Post);
        Unmatched(api, "/auth/revoke", HttpMethods.Post);
        Unmatched(api, "/me", HttpMethods.Get, HttpMethods.Head);
        api.MapFallback(() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: "There is no API endpoint at this address."))
            .AllowAnonymous();

        // The public key for other services (ES256); a shared secret is never published: an empty set.
        app.MapGet("/.well-known/jwks.json", (TokenSigningKey key) => TypedResults.Json(new
        {
            keys = key.PublicJwk is { } jwk
                ? new object[] { new { kty = jwk.Kty, use = jwk.Use, alg = jwk.Alg, kid = jwk.Kid, crv = jwk.Crv, x = jwk.X, y = jwk.Y } }
                : [],
        })).WithMetadata(new ApiEndpointMetadata(), new SkipStatusCodePagesAttribute(), new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]));
        return app;
    }

    private static void Unmatched(RouteGroupBuilder api, string pattern, params string[] methods)
    {
        var allow = string.Join(", ", methods);
        api.Map(pattern, (HttpContext context) =>
        {
            if (methods.Contains(context.Request.Method, StringComparer.OrdinalIgnoreCase))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType,
                    detail: "Send the body as JSON (Content-Type: application/json).");
            }

            context.Response.Headers.Allow = allow;
            return TypedResults.Problem(statusCode: StatusCodes.Status405MethodNotAllowed, detail: $"This address accepts {allow} only.");
        }).AllowAnonymous();
    }

    /// <summary>
    /// Stateless validation needs no Redis, but while the store is known to be away nothing is revocable,
    /// so nothing is honoured: the token's request ends in a 503 problem with Retry-After, as a page would.
    /// </summary>
    private static Task EnsureStoreReachable(TokenValidatedContext context)
    {
        if (!context.HttpContext.RequestServices.GetRequiredService<ISessionStore>().IsAvailable)
        {
            throw new SessionStoreUnavailableException("The session store is unavailable; no bearer token is honoured meanwhile.");
        }

        return Task.CompletedTask;
    }

    /// <summary>Tokens:CheckRevocation: the grant named in the token must still exist (one Redis EXISTS).</summary>
    private static async Task EnsureGrantLivesAsync(TokenValidatedContext context)
    {
        await EnsureStoreReachable(context);
        var principal = context.Principal!;
        var userId = TokenClaims.Find(principal, TokenClaims.Subject);
        var grantId = TokenClaims.Find(principal, TokenClaims.GrantId);
        var grants = context.HttpContext.RequestServices.GetRequiredService<IRefreshGrantStore>();
        if (userId is null || grantId is null || !await grants.ExistsAsync(userId, grantId, context.HttpContext.RequestAborted))
        {
            if (userId is not null && grantId is not null)
            {
                TokensLog.RevokedGrantToken(context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TokensExtensions)),
                    GrantHandle.Of(grantId).Value, userId);
            }

            context.Fail("The token's grant has ended.");
        }
    }
}
