using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Hosting;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Pages;

/// <summary>The signed-in person's own page: who they are and the facts of the session serving them.</summary>
public sealed class DashboardModel(IOptions<ServerSessionOptions> sessionOptions, IOptions<HostingOptions> hosting, TimeProvider time)
    : PageModel
{
    public SessionRecord Session { get; private set; } = null!;

    public string SessionFingerprint { get; private set; } = "";

    public string StoreName { get; private set; } = "";

    public DateTimeOffset IdleExpiresAt { get; private set; }

    public string InstanceName => hosting.Value.InstanceName;

    /// <summary>From the session record (a claim written at sign-in), so the page still reads no database.</summary>
    public bool EmailUnconfirmed => AccountClaimsPrincipalFactory.IsUnconfirmed(User);

    public void OnGet()
    {
        // The authentication handler put the session here when it resolved the cookie: no second lookup.
        var session = HttpContext.GetServerSession()
            ?? throw new InvalidOperationException("The dashboard is protected, so a session must be present.");
        Session = session.Record;
        SessionFingerprint = session.Id.Fingerprint();
        StoreName = session.StoreName;
        IdleExpiresAt = Session.IdleDeadline(time.GetUtcNow(), sessionOptions.Value.IdleTimeoutFor(Session.IsPersistent));
        TimeZone = DisplayPreferences.TimeZone(HttpContext);
    }

    /// <summary>This device's time zone (Preferences), UTC until one is chosen.</summary>
    public TimeZoneInfo TimeZone { get; private set; } = TimeZoneInfo.Utc;

    public string Format(DateTimeOffset value) => DisplayPreferences.Format(value, TimeZone);

    /// <summary>Machine-readable, for &lt;time datetime&gt;: UTC with a Z, so there is no "+" to HTML-encode.</summary>
    public static string Iso(DateTimeOffset value) => value.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
}
