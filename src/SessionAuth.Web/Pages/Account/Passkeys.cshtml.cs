using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Accounts.Passkeys;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Pages.Account;

/// <summary>
/// The signed-in person's passkeys: each with its name, when it was added and when it last signed in; add one
/// (the page's script runs the browser's WebAuthn ceremony and posts its answer in this form), rename or remove
/// one. Removing a passkey ends no session; it only stops that passkey signing in, from the next attempt on.
/// Every action redirects back (post/redirect/get) with the outcome in the query.
/// </summary>
public sealed class PasskeysModel(
    SignInManager<ApplicationUser> signInManager,
    UserPasskeys passkeys,
    ActivityLog activity,
    AccountMailer mailer,
    ILogger<PasskeysModel> logger) : PageModel
{
    public const string NeedsScript = "Adding a passkey needs JavaScript: your browser talks to the passkey's authenticator through it. Turn JavaScript on and try again.";
    public const string NotAdded = "The passkey was not added: the browser's answer did not match the request (it may have expired or been used already). Try again.";
    public const string UnknownPasskey = "That passkey was not found among yours: it was removed already, or it is not yours. Nothing changed.";
    public const string Malformed = "That is not a passkey this page listed. Nothing changed.";

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public sealed class InputModel
    {
        [StringLength(UserPasskeys.MaxNameLength, ErrorMessage = "A passkey's name can be at most 60 characters.")]
        [Display(Name = "Name (optional)")]
        public string? Name { get; set; }

        /// <summary>The browser's answer (the credential as JSON), written by the page's script.</summary>
        public string? Credential { get; set; }
    }

    /// <summary>"added", "renamed", "removed" or "not-found", after an action.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Notice { get; set; }

    public string? NoticeText => Notice switch
    {
        "added" => "Passkey added. You can sign in with it from the sign-in page, with no password.",
        "renamed" => "Passkey renamed.",
        "removed" => "Passkey removed: it can no longer sign in. Your sessions are unchanged.",
        "not-found" => UnknownPasskey,
        _ => null,
    };

    public bool NoticeIsWarning => Notice == "not-found";

    public IReadOnlyList<PasskeyRow> Passkeys { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await signInManager.UserManager.GetUserAsync(User);
        return user is null ? await GoneAsync() : await PageAsync(user);
    }

    public async Task<IActionResult> OnPostAddAsync()
    {
        var user = await signInManager.UserManager.GetUserAsync(User);
        if (user is null)
        {
            return await GoneAsync();
        }

        if (!ModelState.IsValid)
        {
            return await PageAsync(user);
        }

        if (string.IsNullOrWhiteSpace(Input.Credential))
        {
            ModelState.AddModelError("Input.Credential", NeedsScript);
            return await PageAsync(user);
        }

        var attestation = await signInManager.PerformPasskeyAttestationAsync(Input.Credential);
        // The challenge names the user it was made for: one user's ceremony cannot add a passkey to another.
        if (!attestation.Succeeded || !string.Equals(attestation.UserEntity.Id, user.Id, StringComparison.Ordinal))
        {
            PasskeyLog.AddFailed(logger, user.Id, attestation.Failure?.Message ?? "the challenge was made for another user");
            ModelState.AddModelError(string.Empty, NotAdded);
            return await PageAsync(user);
        }

        var passkey = attestation.Passkey;
        passkey.Name = UserPasskeys.CleanName(Input.Name);
        var added = await signInManager.UserManager.AddOrUpdatePasskeyAsync(user, passkey);
        if (!added.Succeeded)
        {
            PasskeyLog.AddFailed(logger, user.Id, string.Join("; ", added.Errors.Select(e => e.Code)));
            ModelState.AddModelError(string.Empty, NotAdded);
            return await PageAsync(user);
        }

        PasskeyLog.Added(logger, user.Id, PasskeyLog.Fingerprint(passkey.CredentialId));
        await activity.RecordAsync(user.Id, ActivityKind.PasskeyAdded, HttpContext, UserPasskeys.NameOf(passkey));
        if (user.Email is { } email)
        {
            // The passkey is stored: the notice must not be lost to a client that hangs up now.
            await mailer.SendPasskeyAddedAsync(email, UserPasskeys.NameOf(passkey), CancellationToken.None);
        }

        return RedirectToPage(new { Notice = "added" });
    }

    public async Task<IActionResult> OnPostRenameAsync([FromForm(Name = "Id")] string? id, [FromForm(Name = "Name")] string? name)
    {
        var user = await signInManager.UserManager.GetUserAsync(User);
        if (user is null)
        {
            return await GoneAsync();
        }

        if (UserPasskeys.ParseId(id) is not { } credentialId)
        {
            return await ProblemAsync(user, Malformed);
        }

        if (!await passkeys.RenameAsync(user, credentialId, name))
        {
            return RedirectToPage(new { Notice = "not-found" });
        }

        PasskeyLog.Renamed(logger, user.Id, PasskeyLog.Fingerprint(credentialId));
        return RedirectToPage(new { Notice = "renamed" });
    }

    public async Task<IActionResult> OnPostDeleteAsync([FromForm(Name = "Id")] string? id)
    {
        var user = await signInManager.UserManager.GetUserAsync(User);
        if (user is null)
        {
            return await GoneAsync();
        }

        if (UserPasskeys.ParseId(id) is not { } credentialId)
        {
            return await ProblemAsync(user, Malformed);
        }

        if (await passkeys.RemoveAsync(user, credentialId) is not { } removed)
        {
            return RedirectToPage(new { Notice = "not-found" });
        }

        PasskeyLog.Removed(logger, user.Id, PasskeyLog.Fingerprint(credentialId));
        await activity.RecordAsync(user.Id, ActivityKind.PasskeyRemoved, HttpContext, UserPasskeys.NameOf(removed));
        return RedirectToPage(new { Notice = "removed" });
    }

    private async Task<IActionResult> PageAsync(ApplicationUser user)
    {
        Passkeys = await passkeys.ListAsync(user, HttpContext.RequestAborted);
        return Page();
    }

    private async Task<IActionResult> ProblemAsync(ApplicationUser user, string message)
    {
        ModelState.AddModelError(string.Empty, message);
        var page = await PageAsync(user);
        ((PageResult)page).StatusCode = StatusCodes.Status400BadRequest;
        return page;
    }

    /// <summary>The session outlived its account: end it.</summary>
    private Task<IActionResult> GoneAsync() => WrongPasswordOnSignedInForm.EndSessionOfDeletedAccountAsync(this);
}
