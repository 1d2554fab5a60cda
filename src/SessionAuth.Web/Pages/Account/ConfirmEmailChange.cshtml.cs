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
/// The page the link sent to a new address opens. Its button's POST moves the account to
/// the new address (email and user name, confirmed: the link proved it) and rotates the security stamp, all in one
/// write, then ends every other session and API grant of the account. The code is bound to the address the account had
/// when it was made, so the change it makes ends it: the link works once. Works signed in or not (the new mailbox may
/// be read anywhere); signed in as the owner, this browser gets a fresh session with the new address. The code dies
/// with a new password too (<see cref="EmailLinkTokenProvider"/>), and an account an operator has locked does not move.
/// </summary>
public sealed class ConfirmEmailChangeModel(
    SignInManager<ApplicationUser> signInManager,
    SessionRevocation revocation,
    AccountsDbContext db,
    ActivityLog activity,
    AccountLocks locks,
    ILogger<ConfirmEmailChangeModel> logger) : MailedLinkPageModel(signInManager.UserManager, logger)
{
    /// <summary>The new address, named by the link (the code is bound to it).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Email { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        State = await CheckLinkAsync() is null ? LinkState.Dead : LinkState.Ready;
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

        var newEmail = Email!;
        user.Email = newEmail;
        user.NormalizedEmail = users.NormalizeEmail(newEmail);
        user.UserName = newEmail;
        user.NormalizedUserName = users.NormalizeName(newEmail);
        user.EmailConfirmed = true;
        IdentityResult result;
        try
        {
            // Validates (the address may have been taken since the request) and saves everything above with the new stamp.
            result = await users.UpdateSecurityStampAsync(user);
        }
        catch (DbUpdateException ex) when (AccountsDatabaseErrors.IsUniqueViolation(ex))
        {
            // Registered by someone else between the validation and the save: the unique index refused it.
            result = IdentityResult.Failed(users.ErrorDescriber.DuplicateEmail(newEmail));
        }

        if (!result.Succeeded)
        {
            await db.Entry(user).ReloadAsync(HttpContext.RequestAborted);
            AccountsLog.MailLinkRefused(logger, "change-email", user.Id);
            State = LinkState.Dead;
            return Page();
        }

        var ownBrowser = string.Equals(users.GetUserId(User), user.Id, StringComparison.Ordinal) && HttpContext.GetServerSession() is not null;
        int ended;
        if (ownBrowser)
        {
            // A fresh session for this browser, with the new address in it; every other one ends, as after a password change.
            var persistent = HttpContext.GetServerSession()!.Record.IsPersistent;
            await HttpContext.SignInAsync(await signInManager.CreateUserPrincipalAsync(user), new AuthenticationProperties { IsPersistent = persistent });
            ended = await revocation.RevokeOthersAsync(user.Id, HttpContext.GetServerSession()!.Id, HttpContext.RequestAborted);
        }
        else
        {
            ended = await revocation.RevokeAllAsync(user.Id, HttpContext.RequestAborted);
        }

        AccountsLog.EmailChanged(logger, user.Id, ended);
        await activity.RecordAsync(user.Id, ActivityKind.EmailChanged, HttpContext,
            ended == 0 ? null : ended == 1 ? "1 other session ended" : $"{ended} other sessions ended");
        return ownBrowser
            ? RedirectToPage(AppRoutes.ChangeEmail, new { Notice = ChangeEmailModel.ChangedNotice })
            : RedirectToPage(AppRoutes.Login, new { Notice = "email-changed" });
    }

    // Identity's own purpose for a change of address ("ChangeEmail:" + the new address): the code names the address.
    private async Task<ApplicationUser?> CheckLinkAsync()
    {
        if (string.IsNullOrEmpty(Email) || Email.Length > CredentialInput.MaxEmailLength)
        {
            return null;
        }

        var user = (await CheckLinkAsync(signInManager.UserManager.Options.Tokens.ChangeEmailTokenProvider, "ChangeEmail:" + Email, "change-email")).User;
        if (user is not null && locks.IsLockedByOperator(user))
        {
            // Whoever asked for the change may be why the operator locked the account: it stays where it is until unlocked.
            AccountsLog.MailLinkRefused(logger, "change-email", user.Id);
            return null;
        }

        return user;
    }
}
