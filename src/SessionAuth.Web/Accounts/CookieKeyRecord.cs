namespace SessionAuth.Web.Accounts;

/// <summary>A shared secret kept in the accounts database, e.g. the session cookie-signing key (see <see cref="AccountsCookieKeyStore"/>).</summary>
public sealed class CookieKeyRecord
{
    public required string Name { get; set; }

    public required byte[] Value { get; set; }
}
