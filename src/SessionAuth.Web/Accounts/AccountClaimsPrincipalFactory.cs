using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// The signed-in principal: its roles as <see cref="OperatorRole"/> gives them, so the operators' role follows
/// Admin:Emails from the very sign-in (the session record keeps these roles until its next validation), and
/// whether the address is confirmed (<see cref="EmailVerifiedClaim"/>, the OpenID Connect name), so the
/// dashboard can ask for a confirmation from the session record alone, with no database read per page.
/// </summary>
public sealed class AccountClaimsPrincipalFactory(
    UserManager<ApplicationUser> users,
    IOptions<IdentityOptions> options,
    OperatorRole operators) : UserClaimsPrincipalFactory<ApplicationUser>(users, options)
{
    public const string EmailVerifiedClaim = "email_verified";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ApplicationUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        foreach (var role in await operators.RolesOfAsync(user))
        {
            identity.AddClaim(new Claim(Options.ClaimsIdentity.RoleClaimType, role));
        }

        identity.AddClaim(new Claim(EmailVerifiedClaim, user.EmailConfirmed ? "true" : "false", ClaimValueTypes.Boolean));
        return identity;
    }

    /// <summary>True only when the principal says the address is unconfirmed: a session made before the claim existed is not nagged.</summary>
    public static bool IsUnconfirmed(ClaimsPrincipal principal) =>
        string.Equals(principal.FindFirstValue(EmailVerifiedClaim), "false", StringComparison.Ordinal);
}
