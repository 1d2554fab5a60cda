using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Admin;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Pages.Admin;

/// <summary>
/// The operators' list of accounts: 50 a page, searchable by any part of the email (<c>?q=</c>), each row
/// linking to the user's page. A query or page number the list cannot take (too long, control characters, a page
/// out of range) is a 400 with the reason.
/// </summary>
public sealed class UsersModel(UserDirectory directory) : PageModel
{
    public const string BadPage = "The page number must be a whole number from 1 to 1,000,000.";
    public const string QueryTooLong = "Search for at most 256 characters of an email address.";
    public const string QueryHasControlCharacters = "Search for part of an email address: control characters (such as a tab, a line break or NUL) are not part of one.";
    public const string StoreUnavailable = "The session store cannot be reached, so live sessions cannot be counted. Try again in a moment.";

    /// <summary>The search text: any part of an email address, in any case.</summary>
    [FromQuery(Name = "q")]
    public string? Query { get; set; }

    /// <summary>The page, from 1 (<c>?p=</c>; "page" is Razor Pages' own route value).</summary>
    [FromQuery(Name = "p")]
    public string? PageText { get; set; }

    public UserListPage? Result { get; private set; }

    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var page = 1;
        if (PageText is not null && (!int.TryParse(PageText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out page)
            || page < 1 || page > UserDirectory.MaxPage))
        {
            return ProblemPage(StatusCodes.Status400BadRequest, BadPage);
        }

        if (Query?.Length > UserDirectory.MaxQueryLength)
        {
            return ProblemPage(StatusCodes.Status400BadRequest, QueryTooLong);
        }

        // No address holds one, and PostgreSQL refuses a NUL in text outright.
        if (Query?.Any(char.IsControl) == true)
        {
            return ProblemPage(StatusCodes.Status400BadRequest, QueryHasControlCharacters);
        }

        try
        {
            Result = await directory.SearchAsync(Query, page, HttpContext.RequestAborted);
        }
        catch (SessionStoreUnavailableException)
        {
            return ProblemPage(StatusCodes.Status503ServiceUnavailable, StoreUnavailable);
        }

        return Page();
    }

    /// <summary>This list's address with another page number (the search kept).</summary>
    public string PageUrl(int page) =>
        AppRoutes.AdminUsers + QueryString.Create([
            .. string.IsNullOrEmpty(Query) ? [] : new[] { new KeyValuePair<string, string?>("q", Query) },
            new KeyValuePair<string, string?>("p", page.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ]);

    private PageResult ProblemPage(int status, string problem)
    {
        Problem = problem;
        var page = Page();
        page.StatusCode = status;
        return page;
    }
}
