namespace SessionAuth.Web.Infrastructure;

/// <summary>The shape check shared by the opaque values the app hands out (session ids, refresh tokens, grant handles).</summary>
internal static class Base64UrlText
{
    /// <summary>True when <paramref name="text"/> has exactly <paramref name="length"/> characters, all of the base64url alphabet (no padding).</summary>
    public static bool HasLength(ReadOnlySpan<char> text, int length)
    {
        if (text.Length != length)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
