using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace SessionAuth.Web.Pages;

public sealed class IndexModel : PageModel
{
    /// <summary>"deleted" after an account deletion.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Notice { get; set; }

    public bool AccountDeleted => Notice == Account.DeleteModel.DeletedNotice;

    public void OnGet()
    {
    }
}
