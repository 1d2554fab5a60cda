using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Pages.Account;

internal static class AccountUrls
{
    /// <summary>Where sign-in leads when nobody asked for a page: the person's own dashboard.</summary>
    public const string DefaultLanding = AppRoutes.Dashboard;

    /// <summary>
    /// A redirect target after sign-in: the dashboard when none was given, the given URL if it is
    /// local to this site, and the home page for anything else (//host, /\host, javascript:, …).
    /// The result is plain ASCII, fit for a Location header: non-ASCII characters are
    /// percent-encoded as UTF-8, and a URL holding control, line-break, bidi or other invisible
    /// format characters is refused. Callers compute it before anything is written, so a target
    /// the server cannot send can no longer fail the response after the session exists.
    /// </summary>
    public static string SafeReturnUrl(this IUrlHelper url, string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl))
        {
            return DefaultLanding;
        }

        return url.IsLocalUrl(returnUrl) && TryEncodeForLocation(returnUrl) is { } encoded && url.IsLocalUrl(encoded)
            ? encoded
            : AppRoutes.Home;
    }

    /// <summary>The URL with spaces and non-ASCII characters percent-encoded; null if it holds a character no URL should.</summary>
    internal static string? TryEncodeForLocation(string value)
    {
        var builder = new StringBuilder(value.Length + 16);
        Span<byte> utf8 = stackalloc byte[4];
        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var consumed) != OperationStatus.Done)
            {
                return null; // a lone surrogate
            }

            rest = rest[consumed..];
            if (rune.Value is > 0x20 and < 0x7F)
            {
                builder.Append((char)rune.Value);
                continue;
            }

            if (rune.Value != ' ' && Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
            {
                return null;
            }

            var length = rune.EncodeToUtf8(utf8);
            foreach (var b in utf8[..length])
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
