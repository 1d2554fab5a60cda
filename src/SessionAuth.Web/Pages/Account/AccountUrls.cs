using Microsoft.AspNetCore.Mvc;

namespace SessionAuth.Web.Pages.Account;

internal static class AccountUrls
{
    /// <summary>A redirect target after sign-in: the given URL if it is local to this site, else the home page.</summary>
    public static string SafeReturnUrl(this IUrlHelper url, string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && url.IsLocalUrl(returnUrl) ? returnUrl : "/";
}
