using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Pages.Account;

/// <summary>
/// Where the signed-in person sees every session of theirs and ends any of them (or all others) at
/// once, and reads their recent security events. Each action redirects back (post/redirect/get)
/// with the outcome in the query, so a reload repeats nothing and no script is needed.
/// </summary>
public sealed class SessionsModel(
    ISessionStore store,
    SessionRevocation revocation,
    ActivityLog activity) : PageModel
{
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

    public IReadOnlyList<SessionRow> Sessions { get; private set; } = [];

    public IReadOnlyList<ActivityEvent> Activity { get; private set; } = [];

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

    public sealed record SessionRow(
        string Handle,
        string Device,
        string? ClientIp,
        DateTimeOffset SignedInAt,
        DateTimeOffset LastActiveAt,
        DateTimeOffset EndsAt,
        bool IsCurrent);

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostRevokeAsync([FromForm(Name = "Handle")] string? handle)
    {
        var current = CurrentSession();
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

    public static string Format(DateTimeOffset value) => DashboardModel.Format(value);

    public static string Iso(DateTimeOffset value) => DashboardModel.Iso(value);

    /// <summary>"ended Chrome 131 on Android, 203.0.113.7": which session ended.</summary>
    private static string Describe(SessionRecord record) =>
        $"ended {UserAgentSummary.Describe(record.UserAgent)}, {record.ClientIp ?? "unknown address"}";

    private ServerSessionFeature CurrentSession() =>
        HttpContext.GetServerSession()
        ?? throw new InvalidOperationException("The sessions page is protected, so a session must be present.");

    private async Task LoadAsync()
    {
        var current = CurrentSession();
        var currentHandle = current.Id.Handle;
        var listed = await store.ListByUserAsync(current.Record.UserId, HttpContext.RequestAborted);
        Sessions = [.. listed.Select(s => new SessionRow(s.Handle.Value, UserAgentSummary.Describe(s.Record.UserAgent),
            s.Record.ClientIp, s.Record.CreatedAt, s.LastActiveAt, s.EndsAt, s.Handle == currentHandle))];
        Activity = await activity.LatestAsync(current.Record.UserId, ActivityLog.PageSize, HttpContext.RequestAborted);
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
