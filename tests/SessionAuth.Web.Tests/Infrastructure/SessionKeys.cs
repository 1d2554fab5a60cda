using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>Where a session lives in Redis, for tests that look at the store behind the app (default key prefix "sa").</summary>
internal static class SessionKeys
{
    /// <summary>The record's key for a session cookie's value: under the session's handle (a hash of its id), never the id itself.</summary>
    public static string For(string cookieValue)
    {
        Assert.True(SessionId.TryParse(cookieValue.Split('.')[0], out var id));
        return $"sa:{{{id.Tag}}}:s:{id.Handle.Value}";
    }
}
