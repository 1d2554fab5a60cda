using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Pages.Account;

/// <summary>
/// This device's display preferences, one form each, kept in <c>HttpContext.Session</c> (the sign-in
/// session's data): the way a page of this app keeps per-session data. Each post changes one key, so two
/// forms posted at once from two tabs both hold; each redirects back (post/redirect/get).
/// </summary>
public sealed class PreferencesModel : PageModel
{
    public const string UnknownTheme = "Choose light or dark.";
    public const string UnknownTimeZone = "Choose a time zone from the list.";
    public const string TooMuchData = "This session holds too much other data to keep this preference; nothing was saved.";

    [BindProperty]
    public InputModel Input { get; set; } = new();

    /// <summary>"theme" or "time-zone" after a save.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Saved { get; set; }

    public IEnumerable<SelectListItem> TimeZones =>
        DisplayPreferences.Zones.Select(zone => new SelectListItem(DisplayPreferences.Describe(zone), zone.Id));

    /// <summary>Both fields optional for binding: each form posts one, and its handler checks that one.</summary>
    public sealed class InputModel
    {
        [Display(Name = "Colour theme")]
        public string? Theme { get; set; }

        [Display(Name = "Time zone")]
        public string? TimeZone { get; set; }
    }

    public void OnGet() => ShowCurrent();

    public Task<IActionResult> OnPostThemeAsync()
    {
        if (!DisplayPreferences.IsTheme(Input.Theme))
        {
            ModelState.AddModelError("Input.Theme", UnknownTheme);
        }

        return SaveAsync(DisplayPreferences.ThemeKey, Input.Theme, "theme");
    }

    public Task<IActionResult> OnPostTimeZoneAsync()
    {
        if (!DisplayPreferences.TryFindZone(Input.TimeZone, out _))
        {
            ModelState.AddModelError("Input.TimeZone", UnknownTimeZone);
        }

        return SaveAsync(DisplayPreferences.TimeZoneKey, Input.TimeZone, "time-zone");
    }

    private async Task<IActionResult> SaveAsync(string key, string? value, string saved)
    {
        // Only this handler's field counts: the other form's field is not posted, and a bad value in it is no error here.
        var field = key == DisplayPreferences.ThemeKey ? "Input.Theme" : "Input.TimeZone";
        foreach (var other in ModelState.Keys.Where(k => k != field).ToList())
        {
            ModelState.Remove(other);
        }

        if (!ModelState.IsValid)
        {
            ShowCurrent();
            return Page();
        }

        try
        {
            // Set checks the limit against this request's data, the commit again against what parallel requests wrote.
            HttpContext.Session.SetString(key, value!);
            // Committed here rather than as the response starts, so a failure is this page's to tell.
            await HttpContext.Session.CommitAsync(HttpContext.RequestAborted);
        }
        catch (SessionDataTooLargeException)
        {
            ModelState.AddModelError(field, TooMuchData);
            ShowCurrent();
            return Page();
        }

        return RedirectToPage(new { Saved = saved });
    }

    /// <summary>The stored choices in the forms (a field that failed keeps what was posted).</summary>
    private void ShowCurrent()
    {
        Input.Theme ??= DisplayPreferences.Theme(HttpContext);
        Input.TimeZone ??= DisplayPreferences.TimeZone(HttpContext).Id;
    }
}
