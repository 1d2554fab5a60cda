using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Identity;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Bench.Hosting;

/// <summary>
/// The comparison modes' own mapping between the principal that sign-in hands over and the record the
/// app's pages read (<see cref="ServerSessionFeature"/>): the same facts the product keeps, so
/// `/Dashboard` renders the same page in every mode.
/// </summary>
internal static class UserRecords
{
    public static SessionRecord FromPrincipal(
        ClaimsPrincipal user, ClaimsIdentityOptions claimTypes, HttpContext context, DateTimeOffset createdAt, TimeSpan absoluteTimeout)
    {
        var userId = user.FindFirstValue(claimTypes.UserIdClaimType)
            ?? throw new InvalidOperationException("The principal has no user id claim.");
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
            CreatedAt = createdAt,
            AbsoluteExpiresAt = createdAt + absoluteTimeout,
            ClientIp = context.Connection.RemoteIpAddress?.ToString(),
            UserAgent = userAgent.Length > 256 ? userAgent[..256] : userAgent,
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

    /// <summary>
    /// What the app's pages read. These modes keep no session id, so each request gets a fresh one
    /// for the dashboard's fingerprint: same length, same work (a hash) as the product's.
    /// </summary>
    public static void SetFeature(HttpContext context, SessionRecord record, string storeName) =>
        context.Features.Set(new ServerSessionFeature(SessionId.New(record.UserId), record, storeName));

    public static string Serialize(SessionRecord record) => JsonSerializer.Serialize(record, UserRecordJson.Default.SessionRecord);

    public static SessionRecord? Deserialize(string json) => JsonSerializer.Deserialize(json, UserRecordJson.Default.SessionRecord);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SessionRecord))]
internal sealed partial class UserRecordJson : JsonSerializerContext;
