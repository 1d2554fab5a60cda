using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tokens;

namespace SessionAuth.Web.Pages.Account;

/// <summary>
/// Where the signed-in person sees every session of theirs and every API client (refresh grant) in
/// one device list, ends any of them (or all others) at once, and reads their recent security events.
/// Each action redirects back (post/redirect/get) with the outcome in the query, so a reload repeats
/// nothing and no script is needed. The page is where the two concerns meet: Sessions/ and Tokens/
/// know nothing of each other's rows.
/// </summary>
public sealed class SessionsModel(
    ISessionStore store,
    IRefreshGrantStore grants,
    DeviceList devices,
    SessionRevocation revocation,
    ActivityLog activity) : PageModel
{
    /// <summary>The words that mark a grant's row (and its activity rows) apart from a browser's.</summary>
    public const string ApiClient = DeviceList.ApiClient;

    public const string UnknownHandle = "That session was not found among yours: it has ended already, or it is not yours. Nothing changed.";
    public const string MalformedHandle = "That is not a session handle this page gave out. Nothing changed.";
    public const string IsCurrent = "That is the session you are using now: use Sign out to end it. Nothing changed.";
    public const string StoreUnavailable = "Could not end the session: the session store cannot be reached. Try again in a moment.";

    /// <summary>How many sessions the last action ended (set by the redirect after it).</summary>
    [BindProperty(SupportsGet = true)]
    public int? Ended { get; set; }

    /// <summary>"not-found" or "current" after an action that changed nothing.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Notice { get; set; }

    public IReadOnlyList<DeviceRow> Sessions { get; private set; } = [];

    public IReadOnlyList<ActivityEntry> Activity { get; private set; } = [];

    /// <summary>A problem with the request just made (shown instead of a notice).</summary>
    public string? Problem { get; private set; }

    public string? Confirmation => Problem is not null ? null : Ended switch
    {
        1 => "1 session ended.",
        > 1 => $"{Ended} sessions ended.",
        0 => "No other session was signed in: nothing to end.",
        _ => Notice switch
        {
            "not-found" => UnknownHandle,
            "current" => IsCurrent,
            _ => null,
        },
    };

    public bool ConfirmationIsWarning => Notice is "not-found" or "current" || Ended == 0;

    public async Task OnGetAsync() => await LoadAsync();

    /// <summary>
    /// Ends a session or an API grant by the handle its row posted. The two kinds cannot be mistaken
    /// for each other: a session handle is 43 base64url characters (SHA-256 of the id), a grant handle
    /// 20 (15 bytes of SHA-256 of the grant id), and each parser takes its own length only.
    /// </summary>
    public async Task<IActionResult> OnPostRevokeAsync([FromForm(Name = "Handle")] string? handle)
    {
        var current = CurrentSession();
        if (GrantHandle.TryParse(handle, out var grant))
        {
            return await RevokeGrantAsync(current.Record.UserId, grant);
        }

        if (handle is null || !SessionHandle.TryParse(handle, out var parsed))
        {
            return await ProblemPageAsync(StatusCodes.Status400BadRequest, MalformedHandle);
        }

        if (parsed == current.Id.Handle)
        {
            return RedirectToPage(new { Notice = "current" });
        }

        bool ended;
        string? endedDevice;
        try
        {
            // Which device it was, for the activity row: one more round trip, on a revoke only.
            var listed = await store.ListByUserAsync(current.Record.UserId, HttpContext.RequestAborted);
            endedDevice = listed.FirstOrDefault(s => s.Handle == parsed) is { } target ? Describe(target.Record) : null;
            ended = await revocation.RevokeAsync(current.Record.UserId, parsed, HttpContext.RequestAborted);
        }
        catch (SessionStoreUnavailableException)
        {
            return Unavailable();
        }

        if (!ended)
        {
            return RedirectToPage(new { Notice = "not-found" });
        }

        await activity.RecordAsync(current.Record.UserId, ActivityKind.SessionRevoked, HttpContext, endedDevice);
        return RedirectToPage(new { Ended = 1 });
    }

    public async Task<IActionResult> OnPostRevokeOthersAsync()
    {
        var current = CurrentSession();
        int count;
        try
        {
            count = await revocation.RevokeOthersAsync(current.Record.UserId, current.Id, HttpContext.RequestAborted);
        }
        catch (SessionStoreUnavailableException)
        {
            return Unavailable();
        }

        if (count > 0)
        {
            await activity.RecordAsync(current.Record.UserId, ActivityKind.OtherSessionsRevoked, HttpContext,
                count == 1 ? "1 session ended" : $"{count} sessions ended");
        }

        return RedirectToPage(new { Ended = count });
    }

    /// <summary>This device's time zone (Preferences), UTC until one is chosen.</summary>
    public TimeZoneInfo TimeZone { get; private set; } = TimeZoneInfo.Utc;

    /// <summary>
    /// Ends one of the user's grants: its refresh token stops at once (and its access tokens too with
    /// Tokens:CheckRevocation). Another user's or an unknown handle ends nothing (the store checks the owner).
    /// </summary>
    private async Task<IActionResult> RevokeGrantAsync(string userId, GrantHandle handle)
    {
        bool ended;
        string? endedDevice;
        try
        {
            var listed = await grants.ListByUserAsync(userId, HttpContext.RequestAborted);
            endedDevice = listed.FirstOrDefault(g => g.Handle == handle) is { } target
                ? $"ended {ApiClient} {UserAgentSummary.Describe(target.UserAgent)}, {target.ClientIp ?? "unknown address"}"
                : null;
            ended = await grants.RevokeByHandleAsync(userId, handle, HttpContext.RequestAborted);
        }
        catch (SessionStoreUnavailableException)
        {
            return Unavailable();
        }

        if (!ended)
        {
            return RedirectToPage(new { Notice = "not-found" });
        }

        await activity.RecordAsync(userId, ActivityKind.SessionRevoked, HttpContext, endedDevice);
        return RedirectToPage(new { Ended = 1 });
    }

    /// <summary>"ended Chrome 131 on Android, 203.0.113.7": which session ended.</summary>
    private static string Describe(SessionRecord record) =>
        $"ended {UserAgentSummary.Describe(record.UserAgent)}, {record.ClientIp ?? "unknown address"}";

    private ServerSessionFeature CurrentSession() =>
        HttpContext.GetServerSession()
        ?? throw new InvalidOperationException("The sessions page is protected, so a session must be present.");

    private async Task LoadAsync()
    {
        var current = CurrentSession();
        TimeZone = DisplayPreferences.TimeZone(HttpContext);
        Sessions = await devices.ReadAsync(current.Record.UserId, current.Id.Handle, HttpContext.RequestAborted);
        Activity = await activity.RecentAsync(current.Record.UserId, ActivityLog.PageSize, HttpContext.RequestAborted);
    }

    private async Task<IActionResult> ProblemPageAsync(int status, string problem)
    {
        Problem = problem;
        await LoadAsync();
        var page = Page();
        page.StatusCode = status;
        return page;
    }

    private PageResult Unavailable()
    {
        // Nothing can be listed either: the page says only what went wrong (a 503, with Retry-After from the host).
        Problem = StoreUnavailable;
        var page = Page();
        page.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return page;
    }
}
