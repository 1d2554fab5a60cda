using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SessionAuth.Web.Accounts;

namespace SessionAuth.Web.Pages.Account;

/// <summary>
/// A page a mailed link opens: the link's user id and code, carried on into the page's form as hidden fields, and the
/// check of the code, made on the GET (so a dead link says so at once, while opening it changes nothing: mail scanners
/// fetch links) and again on the POST that acts. Bound properties, never handler arguments, so no log line carries them.
/// </summary>
public abstract class MailedLinkPageModel(UserManager<ApplicationUser> users, ILogger logger) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? UserId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Code { get; set; }

    public LinkState State { get; protected set; }

    protected UserManager<ApplicationUser> Users { get; } = users;

    /// <summary>The link's user if its code is live for <paramref name="purpose"/> with <paramref name="provider"/>, and the code as the provider reads it.</summary>
    protected async Task<(ApplicationUser? User, string? Token)> CheckLinkAsync(string provider, string purpose, string flow)
    {
        var token = LinkCode.Decode(Code);
        // A user id is a GUID: anything else is not ours and costs no query.
        var user = token is null || !ApplicationUser.IsWellFormedId(UserId) ? null : await Users.FindByIdAsync(UserId!);
        if (user is null || !await Users.VerifyUserTokenAsync(user, provider, purpose, token!))
        {
            AccountsLog.MailLinkRefused(logger, flow, user?.Id);
            return (null, null);
        }

        return (user, token);
    }
}

/// <summary>What a page opened from a mailed link shows.</summary>
public enum LinkState
{
    /// <summary>A live link: the form with its button.</summary>
    Ready,

    /// <summary>Used, expired, superseded or not ours.</summary>
    Dead,

    /// <summary>The change is made (now, or by an earlier use of the same link).</summary>
    Done,
}
