using System.Security.Claims;
using Microsoft.AspNetCore.Identity;

namespace SessionAuth.Web.Sessions;

/// <summary>
/// Turns the principal that sign-in hands over into the record a session keeps, and a record back
/// into the principal of each request. Shared by every handler that keeps the user on the server.
/// </summary>
internal static class SessionClaims
{
    public static SessionRecord ToRecord(
        ClaimsPrincipal user, ClaimsIdentityOptions claimTypes, HttpContext context, DateTimeOffset now,
        TimeSpan absoluteTimeout, bool isPersistent)
    {
        var userId = user.FindFirstValue(claimTypes.UserIdClaimType)
            ?? throw new InvalidOperationException("The principal to sign in has no user id claim.");
        var known = new HashSet<string>(StringComparer.Ordinal)
        {
            claimTypes.UserIdClaimType, claimTypes.UserNameClaimType, claimTypes.EmailClaimType,
            claimTypes.RoleClaimType, claimTypes.SecurityStampClaimType,
        };
        var userAgent = context.Request.Headers.UserAgent.ToString();
        return new SessionRecord
        {
            UserId = userId,
            UserName = user.FindFirstValue(claimTypes.UserNameClaimType) ?? userId,
            Email = user.FindFirstValue(claimTypes.EmailClaimType),
            Roles = user.FindAll(claimTypes.RoleClaimType).Select(c => c.Value).ToArray(),
            Claims = user.Claims.Where(c => !known.Contains(c.Type)).Select(c => new SessionClaim(c.Type, c.Value)).ToArray(),
            SecurityStamp = user.FindFirstValue(claimTypes.SecurityStampClaimType),
            CreatedAt = now,
            AbsoluteExpiresAt = now + absoluteTimeout,
            IsPersistent = isPersistent,
            ClientIp = context.Connection.RemoteIpAddress?.ToString(),
            // Bounded so a hostile header cannot bloat every session record.
            UserAgent = userAgent.Length > 256 ? userAgent[..256] : userAgent,
            CsrfSecret = SessionCsrfToken.NewSecret(),
        };
    }

    public static ClaimsPrincipal ToPrincipal(SessionRecord record, ClaimsIdentityOptions claimTypes, string authenticationType)
    {
        var identity = new ClaimsIdentity(authenticationType, claimTypes.UserNameClaimType, claimTypes.RoleClaimType);
        identity.AddClaim(new Claim(claimTypes.UserIdClaimType, record.UserId));
        identity.AddClaim(new Claim(claimTypes.UserNameClaimType, record.UserName));
        if (record.Email is not null)
        {
            identity.AddClaim(new Claim(claimTypes.EmailClaimType, record.Email));
        }

        foreach (var role in record.Roles)
        {
            identity.AddClaim(new Claim(claimTypes.RoleClaimType, role));
        }

        foreach (var claim in record.Claims)
        {
            identity.AddClaim(new Claim(claim.Type, claim.Value));
        }

        return new ClaimsPrincipal(identity);
    }
}
