using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Admin;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Pages.Admin;

/// <summary>
/// One account for the operators: the same device list and activity as the owner's sessions page, and the
/// console's actions (end everything, lock, unlock). Each action redirects back (post/redirect/get) with its
/// outcome in the query, like the sessions page. Costs what the sessions page costs, plus the user's row.
/// </summary>
public sealed class UserModel(
    UserManager<ApplicationUser> users,
    AccountLocks locks,
    OperatorRole operators,
    DeviceList devices,
    ActivityLog activity,
    OperatorActions actions) : PageModel
{
    public const string OwnAccount = "You cannot lock your own account from the console. Nothing changed.";
    public const string NotStored = "The accounts database did not take the change (it was written to at the same moment). Nothing changed: try again.";
    public const string StoreUnavailable = "The session store cannot be reached. Nothing was ended: try again in a moment.";
    public const string MailCapReached = "The user's address has had as many mails of this kind as an hour allows. Nothing was sent: try again later.";
    public const string ResetSent = "A password-reset link is on its way to the user's address. It works once; nothing changes until they open it.";
    public const string LockedSessionsPending = "Locked. The session store could not be reached, so the sessions and API clients end at their next check instead of now.";

    [FromRoute(Name = "id")]
    public string Id { get; set; } = "";

    /// <summary>The last action's outcome (set by the redirect after it): ended, locked, unlocked.</summary>
    [FromQuery(Name = "done")]
    public string? Done { get; set; }

    [FromQuery(Name = "ended")]
    public int? EndedCount { get; set; }

    public ApplicationUser Account { get; private set; } = null!;

    public AccountLockState Lock { get; private set; }

    public bool IsOperator { get; private set; }

    /// <summary>The operator looking at their own account: no lock form.</summary>
    public bool IsSelf { get; private set; }

    public IReadOnlyList<DeviceRow> Devices { get; private set; } = [];

    public IReadOnlyList<ActivityEntry> Activity { get; private set; } = [];

    public string? Problem { get; private set; }

    public string? Confirmation => Problem is not null ? null : Done switch
    {
        "ended" => EndedCount == 1 ? "Signed out everywhere: 1 session or API client ended." : $"Signed out everywhere: {EndedCount ?? 0} sessions and API clients ended.",
        "locked" => EndedCount == 1 ? "Locked: 1 session or API client ended." : $"Locked: {EndedCount ?? 0} sessions and API clients ended.",
        "locked-pending" => LockedSessionsPending,
        "unlocked" => "Unlocked: the account can sign in again.",
        "reset-sent" => ResetSent,
        _ => null,
    };

    public string ActionUrl(string handler) => $"{AppRoutes.AdminUserPath(Id)}?handler={handler}";

    public static string Describe(AccountLockState state) => state switch
    {
        AccountLockState.LockedByOperator => "Locked by an administrator",
        AccountLockState.LockedOut => "Locked out after wrong passwords",
        _ => "No",
    };

    // Every handler looks the account up: an id no account can have is a 404 before any query.
    public override Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (!ApplicationUser.IsWellFormedId(Id))
        {
            context.Result = NotFound();
            return Task.CompletedTask;
        }

        return next();
    }

    public async Task<IActionResult> OnGetAsync()
    {
        try
        {
            return await LoadAsync() ? Page() : NotFound();
        }
        catch (SessionStoreUnavailableException)
        {
            return Unavailable();
        }
    }

    public async Task<IActionResult> OnPostEndSessionsAsync()
    {
        OperatorResult result;
        try
        {
            result = await actions.EndEverythingAsync(OperatorId(), Id, HttpContext.RequestAborted);
        }
        catch (SessionStoreUnavailableException)
        {
            return Unavailable();
        }

        return await AfterAsync(result, "ended");
    }

    public async Task<IActionResult> OnPostLockAsync()
    {
        var result = await actions.LockAsync(OperatorId(), Id, HttpContext.RequestAborted);
        return await AfterAsync(result, result.Outcome == OperatorOutcome.LockedSessionsPending ? "locked-pending" : "locked");
    }

    public async Task<IActionResult> OnPostUnlockAsync() =>
        await AfterAsync(await actions.UnlockAsync(OperatorId(), Id), "unlocked");

    public async Task<IActionResult> OnPostPasswordResetAsync() =>
        await AfterAsync(await actions.SendPasswordResetAsync(OperatorId(), Id, HttpContext.RequestAborted), "reset-sent");

    private async Task<IActionResult> AfterAsync(OperatorResult result, string done) => result.Outcome switch
    {
        OperatorOutcome.UserNotFound => NotFound(),
        OperatorOutcome.OwnAccount => await ProblemPageAsync(StatusCodes.Status400BadRequest, OwnAccount),
        OperatorOutcome.NotStored => await ProblemPageAsync(StatusCodes.Status409Conflict, NotStored),
        OperatorOutcome.MailCapReached => await ProblemPageAsync(StatusCodes.Status429TooManyRequests, MailCapReached),
        _ => Redirect($"{AppRoutes.AdminUserPath(Id)}{QueryString.Create([new KeyValuePair<string, string?>("done", done), new KeyValuePair<string, string?>("ended", result.Ended.ToString(System.Globalization.CultureInfo.InvariantCulture))])}"),
    };

    private string OperatorId() =>
        HttpContext.GetServerSession()?.Record.UserId
        ?? throw new InvalidOperationException("The console is protected, so a session must be present.");

    private async Task<bool> LoadAsync()
    {
        if (await users.FindByIdAsync(Id) is not { } account)
        {
            return false;
        }

        Account = account;
        Lock = locks.StateOf(account.LockoutEnabled, account.LockoutEnd);
        IsOperator = operators.IsListed(account);
        IsSelf = string.Equals(account.Id, OperatorId(), StringComparison.Ordinal);
        Devices = await devices.ReadAsync(account.Id, current: null, HttpContext.RequestAborted);
        Activity = await activity.RecentAsync(account.Id, ActivityLog.PageSize, HttpContext.RequestAborted);
        return true;
    }

    private async Task<IActionResult> ProblemPageAsync(int status, string problem)
    {
        Problem = problem;
        try
        {
            if (!await LoadAsync())
            {
                return NotFound();
            }
        }
        catch (SessionStoreUnavailableException)
        {
            return Unavailable();
        }

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
