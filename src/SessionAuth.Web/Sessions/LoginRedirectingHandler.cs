using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace SessionAuth.Web.Sessions;

/// <summary>
/// What every browser-session scheme of this app does when a page needs a user: send the person to
/// the login form with a local ReturnUrl, or answer 403 when signed in but not allowed.
/// </summary>
internal abstract class LoginRedirectingHandler(
    IOptionsMonitor<ServerSessionSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder)
    : SignInAuthenticationHandler<ServerSessionSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var returnUrl = properties.RedirectUri ?? OriginalPathBase + OriginalPath + Request.QueryString;
        Response.Redirect(OriginalPathBase + Options.LoginPath + QueryString.Create(Options.ReturnUrlParameter, returnUrl));
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }
}
