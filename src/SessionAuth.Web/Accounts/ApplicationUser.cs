using Microsoft.AspNetCore.Identity;

namespace SessionAuth.Web.Accounts;

/// <summary>The person who signs in. The user name is the email address.</summary>
public sealed class ApplicationUser : IdentityUser
{
    /// <summary>
    /// Whether <paramref name="id"/> is spelled as Identity makes user ids (a GUID, "D" format). Anything else, from a
    /// link or an address bar, is no account's id and must not reach a query: PostgreSQL refuses a NUL in text.
    /// </summary>
    public static bool IsWellFormedId(string? id) => Guid.TryParseExact(id, "D", out _);
}
