namespace SessionAuth.Web.Infrastructure;

/// <summary>
/// Keys derived from the app's one shared secret (the session cookie key, kept in the accounts
/// database), one per purpose: the same on every instance, and never the secret itself.
/// </summary>
public interface IKeyDerivation
{
    /// <summary>A 32-byte key for <paramref name="purpose"/>; a different purpose gives an unrelated key.</summary>
    ValueTask<byte[]> DeriveKeyAsync(string purpose, CancellationToken cancellationToken = default);
}
