using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SessionAuth.Web.Accounts;

namespace SessionAuth.Web.Tokens;

/// <summary>Creates access tokens with <see cref="JsonWebTokenHandler"/>: a JWT of type <c>at+jwt</c> (RFC 9068).</summary>
internal sealed class AccessTokenIssuer(TokenSigningKey key, IOptions<TokenOptions> options, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly TokenOptions _options = options.Value;

    public TimeSpan Lifetime => _options.AccessTokenLifetime;

    public string Issue(ApplicationUser user, IEnumerable<string> roles, string grantId, IReadOnlyList<string>? amr = null)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>
        {
            [TokenClaims.Subject] = user.Id,
            [TokenClaims.Name] = user.UserName ?? "",
            [TokenClaims.Roles] = roles.ToArray(),
            [TokenClaims.TokenId] = Guid.NewGuid().ToString("N"),
            [TokenClaims.GrantId] = grantId,
            // RFC 8176 method references, an array as in OpenID Connect; a grant stored before they were reads as a password.
            [TokenClaims.Amr] = amr is { Count: > 0 } ? amr.ToArray() : new[] { SignInMethods.Password },
        };
        if (user.Email is { } email)
        {
            claims[TokenClaims.Email] = email;
        }

        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + _options.AccessTokenLifetime,
            TokenType = TokenClaims.AccessTokenType,
            Claims = claims,
            SigningCredentials = key.Credentials,
        });

        // ECDSA signs with a random s; validation takes only the low one of the two that verify (CanonicalJws).
        return key.Algorithm == SecurityAlgorithms.EcdsaSha256 ? CanonicalJws.WithLowS(token) : token;
    }

    /// <summary>What the Bearer scheme accepts: only then are the claims trusted.</summary>
    public static TokenValidationParameters ValidationParameters(TokenSigningKey key, TokenOptions options) => new()
    {
        ValidIssuer = options.Issuer,
        ValidAudience = options.Audience,
        IssuerSigningKey = key.ValidationKey,
        // The configured algorithm only: no "none", no HS256 keyed with a published ES256 public key.
        ValidAlgorithms = [key.Algorithm],
        ValidTypes = [TokenClaims.AccessTokenType],
        ClockSkew = TokenOptions.ClockSkew,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        RequireAudience = true,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = true,
        NameClaimType = TokenClaims.Name,
        RoleClaimType = TokenClaims.Roles,
    };
}

/// <summary>The access token's claim names (JWT registered names; MapInboundClaims is off, so they stay as written).</summary>
internal static class TokenClaims
{
    public const string AccessTokenType = "at+jwt";
    public const string Subject = JwtRegisteredClaimNames.Sub;
    public const string Email = JwtRegisteredClaimNames.Email;
    public const string Name = JwtRegisteredClaimNames.Name;
    public const string Roles = "roles";
    public const string TokenId = JwtRegisteredClaimNames.Jti;
    public const string GrantId = JwtRegisteredClaimNames.Sid;
    public const string Amr = SignInMethods.ClaimType;

    public static string? Find(ClaimsPrincipal user, string type) => user.FindFirst(type)?.Value;
}
