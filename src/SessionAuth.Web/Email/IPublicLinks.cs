namespace SessionAuth.Web.Email;

/// <summary>
/// Absolute links for mail, built on App:PublicUrl and never on the request's Host or X-Forwarded-Host (which an
/// attacker chooses, and would then receive the victim's reset code).
/// </summary>
public interface IPublicLinks
{
    /// <summary>The public URL joined with <paramref name="path"/> (an app path starting with '/') and the query.</summary>
    Uri Create(string path, IReadOnlyDictionary<string, string?>? query = null);
}
