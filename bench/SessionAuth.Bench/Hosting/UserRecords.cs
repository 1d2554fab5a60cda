using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Identity;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Bench.Hosting;

/// <summary>
/// The comparison modes' mapping between the principal that sign-in hands over and the record the
/// app's pages read (<see cref="ServerSessionFeature"/>): the product's own, so `/Dashboard` renders
/// the same facts in every mode.
/// </summary>
internal static class UserRecords
{
    /// <summary>
    /// The product's own mapping (SessionClaims), without the CSRF secret: these designs keep no
    /// server-side state per session to hold one, so their signed-in forms use ASP.NET Core's
    /// antiforgery, as an app built on them would.
    /// </summary>
    public static SessionRecord FromPrincipal(
        ClaimsPrincipal user, ClaimsIdentityOptions claimTypes, HttpContext context, DateTimeOffset createdAt, TimeSpan absoluteTimeout) =>
        SessionClaims.ToRecord(user, claimTypes, context, createdAt, absoluteTimeout, isPersistent: false) with { CsrfSecret = null };

    public static ClaimsPrincipal ToPrincipal(SessionRecord record, ClaimsIdentityOptions claimTypes, string authenticationType) =>
        SessionClaims.ToPrincipal(record, claimTypes, authenticationType);

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
