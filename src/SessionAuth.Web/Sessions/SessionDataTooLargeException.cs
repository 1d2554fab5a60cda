namespace SessionAuth.Web.Sessions;

/// <summary>
/// A change to <c>HttpContext.Session</c> would make the session's data larger than Sessions:MaxDataBytes
/// (keys' UTF-8 bytes plus values' bytes). Thrown by <c>Set</c> (nothing changes) or, when a parallel
/// request of the same session added keys meanwhile, by <c>CommitAsync</c> (nothing is written). The data
/// rides in every request's one Redis read, so it is bounded rather than silently cut.
/// </summary>
public sealed class SessionDataTooLargeException(int size, int limit)
    : InvalidOperationException($"The session's data would be {size} bytes (keys and values); Sessions:MaxDataBytes allows {limit}. Nothing was stored.")
{
    public int Size { get; } = size;

    public int Limit { get; } = limit;
}
