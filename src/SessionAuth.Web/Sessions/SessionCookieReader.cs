namespace SessionAuth.Web.Sessions;

/// <summary>
/// Reads the session cookie by its exact name. ASP.NET Core's cookie collection matches names
/// case-insensitively, so <c>__HOST-session</c> would be taken for <c>__Host-session</c>: a cookie a
/// browser that checks the prefix case-sensitively lets a sibling subdomain set without Secure and
/// Path=/, which is what the <c>__Host-</c> prefix exists to refuse (cookie tossing, session fixation).
/// The first cookie of that exact name wins, as browsers send the most specific one first.
/// </summary>
internal static class SessionCookieReader
{
    public static string? Read(HttpRequest request, string name)
    {
        foreach (var header in request.Headers.Cookie)
        {
            if (Find(header, name) is { } value)
            {
                return value;
            }
        }

        return null;
    }

    internal static string? Find(ReadOnlySpan<char> header, string name)
    {
        while (!header.IsEmpty)
        {
            var end = header.IndexOf(';');
            var pair = (end < 0 ? header : header[..end]).Trim();
            header = end < 0 ? [] : header[(end + 1)..];

            var equals = pair.IndexOf('=');
            if (equals > 0 && pair[..equals].TrimEnd().SequenceEqual(name))
            {
                var value = pair[(equals + 1)..].Trim();
                if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
                {
                    value = value[1..^1];
                }

                return value.ToString();
            }
        }

        return null;
    }
}
