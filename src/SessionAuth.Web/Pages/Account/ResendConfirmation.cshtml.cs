using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Email;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Pages.Account;

/// <summary>
/// Asks for a new confirmation link. The same answer and time for every address (<see cref="AnswerTimeFloor"/>);
/// only an account whose address is still unconfirmed gets a mail. The dashboard's and the sign-in page's
/// "send a new link" buttons post here with the address filled in.
/// </summary>
public sealed class ResendConfirmationModel(
    UserManager<ApplicationUser> users,
    AccountMailer mailer,
    AnswerTimeFloor floor,
    EmailFingerprint fingerprint,
    ILogger<ResendConfirmationModel> logger) : PageModel
{
    public const string SentNotice = "sent";

    [BindProperty]
    public EmailInput Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? Notice { get; set; }

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
        var outcome = user is null ? "no account" : user.EmailConfirmed ? "already confirmed" : null;
        if (user is { EmailConfirmed: false })
        {
            outcome = await mailer.SendConfirmationAsync(user, HttpContext.RequestAborted) == MailQueueResult.Queued ? "link mailed" : "recipient cap reached";
        }

        AccountsLog.ConfirmationRequested(logger, await fingerprint.OfAsync(Input.Email, HttpContext.RequestAborted),
            HttpContext.Connection.RemoteIpAddress?.ToString(), outcome!);
        await floor.WaitAsync(started);
        return RedirectToPage(AppRoutes.ResendConfirmation, new { Notice = SentNotice });
    }
}
