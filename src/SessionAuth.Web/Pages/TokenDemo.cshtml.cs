using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Tokens;

namespace SessionAuth.Web.Pages;

/// <summary>
/// The token flow from a browser: wwwroot/js/token-demo.js signs in through the JSON API, shows
/// /api/me, refreshes and revokes, holding the tokens in memory only. The page itself is static; the
/// API's addresses reach the script through data attributes, so the script names no route.
/// </summary>
public sealed class TokenDemoModel(IOptions<TokenOptions> tokens) : PageModel
{
    /// <summary>Tokens:CheckRevocation: whether a revoked grant's access token fails at once or lives until it expires.</summary>
    public bool ChecksRevocation => tokens.Value.CheckRevocation;

    public const string TokenEndpoint = "/api/auth/token";
    public const string RefreshEndpoint = "/api/auth/refresh";
    public const string RevokeEndpoint = "/api/auth/revoke";
    public const string MeEndpoint = "/api/me";

    public void OnGet()
    {
    }
}
