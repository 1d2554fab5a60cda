using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace SessionAuth.Web.Sessions;

/// <summary>
/// Challenge and forbid for the benchmark's comparison scheme (Comparison/) only; it leaves src/ with
/// it. The product's <see cref="ServerSessionHandler"/> does this itself.
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
        var loginPath = Options.LoginPath.HasValue ? Options.LoginPath : new PathString(Pages.AppRoutes.Login);
        Response.Redirect(OriginalPathBase + loginPath + QueryString.Create(Options.ReturnUrlParameter, returnUrl));
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }
}
