namespace SessionAuth.Web.Sessions;

/// <summary>
/// Where the cookie-signing key shared by every instance is kept when Sessions:CookieKey is not set.
/// It must outlive the session store: losing it would sign everyone out and, worse, let instances
/// started before and after the loss disagree. The accounts database keeps it (AccountsCookieKeyStore).
/// </summary>
public interface ICookieKeyStore
{
    /// <summary>Where the key lives, for logs: e.g. "accounts database".</summary>
    string Name { get; }

    /// <summary>The key already kept, or <paramref name="candidate"/> if there was none (the first writer wins).</summary>
    Task<byte[]> GetOrAddCookieKeyAsync(byte[] candidate, CancellationToken cancellationToken = default);
}
