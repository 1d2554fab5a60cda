using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Accounts.TwoFactor;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Pages.Account;

/// <summary>
/// What the two second-step pages share: they work only for a browser holding a live pending step (else back to
/// the password, which says why), and a lockout reached by wrong codes ends the step.
/// </summary>
public abstract class SecondStepPage(PendingSignInFlow flow) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "ReturnUrl")]
    public string? ReturnUrl { get; set; }

    protected PendingSignInFlow Flow => flow;

    public async Task<IActionResult> OnGetAsync() =>
        await flow.FindAsync(HttpContext) is null ? StepExpired() : Page();

    /// <summary>Runs <paramref name="check"/> for the browser's pending step and signs in with <paramref name="methods"/> when it passes.</summary>
    protected async Task<IActionResult> SecondStepAsync(
        Func<ApplicationUser, Task<CodeCheck>> check, string field, string refused, Func<ApplicationUser, Task>? afterSignIn, params string[] methods)
    {
        if (!ModelState.IsValid)
        {
            return await flow.FindAsync(HttpContext) is null ? StepExpired() : Page();
        }

        if (await flow.FindAsync(HttpContext) is not var (pending, user))
        {
            return StepExpired();
        }

        switch (await check(user))
        {
            case CodeCheck.LockedOut:
                flow.Forget(HttpContext);
                return RedirectToPage(AppRoutes.Login, new { Notice = "code-locked-out" });
            case CodeCheck.Refused:
                ModelState.AddModelError(field, refused);
                return Page();
        }

        if (!await flow.CompleteAsync(HttpContext, pending, user, methods))
        {
            return StepExpired();
        }

        if (afterSignIn is not null)
        {
            await afterSignIn(user);
        }

        return LocalRedirect(Url.SafeReturnUrl(pending.ReturnUrl));
    }

    private RedirectToPageResult StepExpired()
    {
        flow.Forget(HttpContext);
        return RedirectToPage(AppRoutes.Login, new { Notice = "step-expired", ReturnUrl = string.IsNullOrEmpty(ReturnUrl) ? null : Url.SafeReturnUrl(ReturnUrl) });
    }
}
