namespace SessionAuth.Web.Sessions;

/// <summary>The session behind the current request, for pages that show or end it.</summary>
public sealed record ServerSessionFeature(SessionId Id, SessionRecord Record, string StoreName);

/// <summary>Set when the session store could not be asked: the request runs anonymous and protected pages answer 503.</summary>
public sealed class SessionStoreUnavailableFeature;

public static class ServerSessionHttpContextExtensions
{
    public static ServerSessionFeature? GetServerSession(this HttpContext context) =>
        context.Features.Get<ServerSessionFeature>();

    public static bool SessionStoreUnavailable(this HttpContext context) =>
        context.Features.Get<SessionStoreUnavailableFeature>() is not null;
}
