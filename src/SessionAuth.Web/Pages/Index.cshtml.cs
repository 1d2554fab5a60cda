using Microsoft.AspNetCore.Mvc.RazorPages;

namespace SessionAuth.Web.Pages;

public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
