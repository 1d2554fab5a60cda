using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Pages.Account;

/// <summary>
/// The page a confirmation link opens (ASVS 2.5 / 3.7). Opening it changes nothing (mail scanners fetch links
/// before people do); its button's POST confirms the address. A second use of a live link is harmless and says the
/// address is confirmed.
/// </summary>
public sealed class ConfirmEmailModel(
    SignInManager<ApplicationUser> signInManager,
    AccountsDbContext db,
    ActivityLog activity,
    ILogger<ConfirmEmailModel> logger) : MailedLinkPageModel(signInManager.UserManager, logger)
{
    public async Task<IActionResult> OnGetAsync()
    {
        var user = await CheckLinkAsync();
        State = user is null ? LinkState.Dead : user.EmailConfirmed ? LinkState.Done : LinkState.Ready;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var users = signInManager.UserManager;
        var user = await CheckLinkAsync();
        if (user is null)
        {
            State = LinkState.Dead;
            return Page();
        }

        if (!user.EmailConfirmed)
        {
            // One column in one statement: a sign-in counting a failure at the same moment cannot make it a concurrency failure.
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(set => set
                .SetProperty(u => u.EmailConfirmed, true)
                .SetProperty(u => u.ConcurrencyStamp, Guid.NewGuid().ToString()), HttpContext.RequestAborted);
            user.EmailConfirmed = true;
            AccountsLog.EmailConfirmed(logger, user.Id);
            await activity.RecordAsync(user.Id, ActivityKind.EmailConfirmed, HttpContext);
            if (string.Equals(users.GetUserId(User), user.Id, StringComparison.Ordinal) && HttpContext.GetServerSession() is { } session)
            {
                // This browser is the owner's: a fresh session carries the confirmed address, so the dashboard stops asking.
                await HttpContext.SignInAsync(await signInManager.CreateUserPrincipalAsync(user),
                    new AuthenticationProperties { IsPersistent = session.Record.IsPersistent });
            }
        }

        State = LinkState.Done;
        return Page();
    }

    private async Task<ApplicationUser?> CheckLinkAsync() =>
        (await CheckLinkAsync(signInManager.UserManager.Options.Tokens.EmailConfirmationTokenProvider,
            UserManager<ApplicationUser>.ConfirmEmailTokenPurpose, "confirm-email")).User;
}
