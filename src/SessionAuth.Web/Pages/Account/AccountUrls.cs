using Microsoft.AspNetCore.Mvc;

namespace SessionAuth.Web.Pages.Account;

internal static class AccountUrls
{
    /// <summary>Where sign-in leads when nobody asked for a page: the person's own dashboard.</summary>
    public const string DefaultLanding = "/Dashboard";

    /// <summary>
    /// A redirect target after sign-in: the dashboard when none was given, the given URL if it is
    /// local to this site, and the home page for anything else (//host, /\host, javascript:, …).
    /// </summary>
    public static string SafeReturnUrl(this IUrlHelper url, string? returnUrl) =>
        string.IsNullOrEmpty(returnUrl) ? DefaultLanding : url.IsLocalUrl(returnUrl) ? returnUrl : "/";
}
