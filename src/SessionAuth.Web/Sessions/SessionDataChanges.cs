namespace SessionAuth.Web.Sessions;

/// <summary>
/// What one request did to its session's data, to be merged into the stored data atomically
/// (<see cref="ISessionStore.CommitDataAsync"/>): only the keys it changed, so a parallel request of the
/// same session that changed other keys keeps its changes. The same key is last writer wins.
/// </summary>
/// <param name="Cleared">The request called Clear: every key stored before its changes goes.</param>
/// <param name="Changes">Each changed key's last value; null for a key the request removed.</param>
public sealed record SessionDataChanges(bool Cleared, IReadOnlyDictionary<string, byte[]?> Changes)
{
    /// <summary>The stored data after these changes (<paramref name="stored"/> is what the store holds now).</summary>
    public Dictionary<string, byte[]> ApplyTo(IReadOnlyDictionary<string, byte[]> stored)
    {
        var merged = Cleared ? new Dictionary<string, byte[]>(StringComparer.Ordinal) : new Dictionary<string, byte[]>(stored, StringComparer.Ordinal);
        foreach (var (key, value) in Changes)
        {
            if (value is null)
            {
                merged.Remove(key);
            }
            else
            {
                merged[key] = value;
            }
        }

        return merged;
    }
}

/// <summary>How a commit of session data ended.</summary>
public enum SessionDataCommit
{
    /// <summary>Merged and stored; the session's expiry is unchanged.</summary>
    Stored,

    /// <summary>The session had ended (signed out, revoked, expired): nothing was written, nothing revived.</summary>
    SessionGone,

    /// <summary>Merged with what the store held, the data would pass Sessions:MaxDataBytes: nothing was written.</summary>
    TooLarge,
}
