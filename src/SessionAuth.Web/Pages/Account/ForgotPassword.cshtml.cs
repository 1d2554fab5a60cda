using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Email;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Pages.Account;

/// <summary>
/// Asks for a password reset link by mail (ASVS 2.5.1). Every address gets the same answer, a redirect to the same
/// page, after the same time (<see cref="AnswerTimeFloor"/>); only an address with an account gets a mail. Mail
/// bombing meets the per-address rate limit of the account forms and the outbox's cap per recipient.
/// </summary>
public sealed class ForgotPasswordModel(
    UserManager<ApplicationUser> users,
    AccountMailer mailer,
    AnswerTimeFloor floor,
    EmailFingerprint fingerprint,
    IOptions<AccountFlowOptions> flows,
    ILogger<ForgotPasswordModel> logger) : PageModel
{
    public const string SentNotice = "sent";

    [BindProperty]
    public EmailInput Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? Notice { get; set; }

    public string LinkLifetime => AccountMail.Describe(flows.Value.PasswordResetLifetime);

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var started = floor.Start();
        var user = await users.FindByEmailAsync(Input.Email);
        var outcome = "no account";
        if (user is not null)
        {
            outcome = await mailer.SendPasswordResetAsync(user, HttpContext.RequestAborted) == MailQueueResult.Queued ? "link mailed" : "recipient cap reached";
        }

        AccountsLog.PasswordResetRequested(logger, await fingerprint.OfAsync(Input.Email, HttpContext.RequestAborted),
            HttpContext.Connection.RemoteIpAddress?.ToString(), outcome);
        await floor.WaitAsync(started);
        return RedirectToPage(AppRoutes.ForgotPassword, new { Notice = SentNotice });
    }
}
