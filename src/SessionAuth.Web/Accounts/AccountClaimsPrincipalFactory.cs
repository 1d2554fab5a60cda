using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// Identity's principal plus whether the address is confirmed (<see cref="EmailVerifiedClaim"/>, the OpenID Connect
/// name), so the dashboard can ask for a confirmation from the session record alone, with no database read per page.
/// </summary>
public sealed class AccountClaimsPrincipalFactory(
    UserManager<ApplicationUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<ApplicationUser, IdentityRole>(users, roles, options)
{
    public const string EmailVerifiedClaim = "email_verified";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ApplicationUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(EmailVerifiedClaim, user.EmailConfirmed ? "true" : "false", ClaimValueTypes.Boolean));
        return identity;
    }

    /// <summary>True only when the principal says the address is unconfirmed: a session made before the claim existed is not nagged.</summary>
    public static bool IsUnconfirmed(ClaimsPrincipal principal) =>
        string.Equals(principal.FindFirstValue(EmailVerifiedClaim), "false", StringComparison.Ordinal);
}
