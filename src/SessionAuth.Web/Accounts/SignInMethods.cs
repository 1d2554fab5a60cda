using System.Security.Claims;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// How a session or API grant signed in, as RFC 8176 authentication method references ("amr"). Each
/// sign-in puts one <see cref="ClaimType"/> claim per method into the principal it hands to
/// <c>SignInAsync</c>; the session record keeps them with its other claims, a grant keeps the list,
/// and an access token carries it as the "amr" array. The sessions page shows <see cref="Describe"/>.
/// </summary>
public static class SignInMethods
{
    /// <summary>The claim type (and JWT claim name) of a method reference.</summary>
    public const string ClaimType = "amr";

    /// <summary>A password (RFC 8176 "pwd").</summary>
    public const string Password = "pwd";

    /// <summary>A one-time code from an authenticator app (RFC 8176 "otp").</summary>
    public const string AuthenticatorApp = "otp";

    /// <summary>A single-use recovery code; RFC 8176 has no value for it.</summary>
    public const string RecoveryCode = "rc";

    /// <summary>A WebAuthn passkey; RFC 8176's "hwk"/"swk" would not tell a synced passkey from a security key.</summary>
    public const string Passkey = "passkey";

    /// <summary>The method claims of a sign-in, one per method, in the order given.</summary>
    public static IEnumerable<Claim> ToClaims(params ReadOnlySpan<string> methods)
    {
        var claims = new List<Claim>(methods.Length);
        foreach (var method in methods)
        {
            claims.Add(new Claim(ClaimType, method));
        }

        return claims;
    }

    /// <summary>The methods a principal signed in with (its "amr" claims), in claim order.</summary>
    public static IReadOnlyList<string> Of(ClaimsPrincipal principal) =>
        [.. principal.FindAll(ClaimType).Select(c => c.Value)];

    /// <summary>
    /// The words the sessions page shows for a list of methods. An empty list is a session or grant made
    /// before methods were recorded, when a password was the only way in.
    /// </summary>
    public static string Describe(IReadOnlyCollection<string> methods)
    {
        if (methods.Contains(Passkey))
        {
            return "Passkey";
        }

        var second = methods.Contains(AuthenticatorApp) ? " + authenticator app"
            : methods.Contains(RecoveryCode) ? " + recovery code"
            : "";
        return "Password" + second;
    }

    /// <summary>True when the methods include a second factor besides the password (or a passkey).</summary>
    public static bool IsMultiFactor(IReadOnlyCollection<string> methods) =>
        methods.Contains(Passkey) || methods.Contains(AuthenticatorApp) || methods.Contains(RecoveryCode);
}
