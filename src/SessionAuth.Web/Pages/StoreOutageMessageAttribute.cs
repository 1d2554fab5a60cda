namespace SessionAuth.Web.Pages;

/// <summary>
/// What the 503 page says when this page's request failed because the session store was away,
/// instead of the general "sign-in is unavailable": a page that changes a session (sign-out, ending
/// a session) must say that nothing was changed, never let the person think it was done.
/// Endpoint metadata, read by the error page from the failed request's endpoint.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class StoreOutageMessageAttribute(string heading, string explanation) : Attribute
{
    public string Heading { get; } = heading;

    public string Explanation { get; } = explanation;
}
