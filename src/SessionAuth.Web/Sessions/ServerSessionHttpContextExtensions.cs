namespace SessionAuth.Web.Sessions;

/// <summary>What the session handler left on the request, for pages.</summary>
public static class ServerSessionHttpContextExtensions
{
    public static ServerSessionFeature? GetServerSession(this HttpContext context) =>
        context.Features.Get<ServerSessionFeature>();

    public static bool SessionStoreUnavailable(this HttpContext context) =>
        context.Features.Get<SessionStoreUnavailableFeature>() is not null;
}
