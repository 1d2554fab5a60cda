using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Pages.Admin;

/// <summary>/Admin itself: the console starts at the user list.</summary>
public sealed class IndexModel : PageModel
{
    public IActionResult OnGet() => RedirectToPage(AppRoutes.AdminUsers);
}
