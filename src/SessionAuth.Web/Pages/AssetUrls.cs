using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace SessionAuth.Web.Pages;

/// <summary>
/// URLs of the layout's assets. The stylesheet's carries a hash of the file (as asp-append-version
/// writes it), computed once per process instead of on every render.
/// </summary>
internal sealed class AssetUrls(IFileVersionProvider versions)
{
    public const string Bootstrap = "/lib/bootstrap/dist/css/bootstrap.min.css";

    public string SiteCss { get; } = versions.AddFileVersionToPath(PathString.Empty, "/css/site.css");

    /// <summary>The WebAuthn module of the login and passkeys pages: the only script they load.</summary>
    public string PasskeysJs { get; } = versions.AddFileVersionToPath(PathString.Empty, "/js/passkeys.js");
}
