using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace SessionAuth.Web.Sessions.Comparison;

/// <summary>
/// What most ASP.NET Core apps would write to keep the user on the server: the user's record in
/// <c>HttpContext.Session</c> (Session middleware over RedisCache), read back on every request.
/// Deliberately plain: the stock middleware decides how many Redis commands a request costs.
/// </summary>
internal sealed class DistributedSessionHandler(
    IOptionsMonitor<ServerSessionSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptions<ServerSessionOptions> sessionOptions,
    IOptions<IdentityOptions> identityOptions,
    TimeProvider time)
    : LoginRedirectingHandler(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "DistributedSession";
    private const string UserKey = "SessionAuth.User";

    private readonly ClaimsIdentityOptions _claimTypes = identityOptions.Value.ClaimsIdentity;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // LoadAsync as the docs advise; without it the first read would block on Redis.
        await Context.Session.LoadAsync(Context.RequestAborted);
        var json = Context.Session.GetString(UserKey);
        if (json is null)
        {
            return AuthenticateResult.NoResult();
        }

        var record = JsonSerializer.Deserialize(json, SessionJsonContext.Default.SessionRecord);
        if (record is null || record.AbsoluteExpiresAt <= time.GetUtcNow())
        {
            Context.Session.Remove(UserKey);
            return AuthenticateResult.NoResult();
        }

        return AuthenticateResult.Success(new AuthenticationTicket(SessionClaims.ToPrincipal(record, _claimTypes, Scheme.Name), Scheme.Name));
    }

    protected override Task HandleSignInAsync(ClaimsPrincipal user, AuthenticationProperties? properties)
    {
        var record = SessionClaims.ToRecord(
            user, _claimTypes, Context, time.GetUtcNow(), sessionOptions.Value.AbsoluteTimeout, properties?.IsPersistent == true);
        Context.Session.SetString(UserKey, JsonSerializer.Serialize(record, SessionJsonContext.Default.SessionRecord));
        return Task.CompletedTask;
    }

    protected override Task HandleSignOutAsync(AuthenticationProperties? properties)
    {
        Context.Session.Clear();
        return Task.CompletedTask;
    }
}
