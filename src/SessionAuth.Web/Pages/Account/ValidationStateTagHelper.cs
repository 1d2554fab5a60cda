using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.TagHelpers;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace SessionAuth.Web.Pages.Account;

/// <summary>
/// Marks a form field that failed validation the way Bootstrap and assistive technology read it:
/// <c>class="is-invalid"</c> and <c>aria-invalid="true"</c>. The framework's input tag helper only
/// adds its own <c>input-validation-error</c> class. Runs after it, so the field's name is known.
/// </summary>
[HtmlTargetElement("input", Attributes = "asp-for")]
[HtmlTargetElement("textarea", Attributes = "asp-for")]
[HtmlTargetElement("select", Attributes = "asp-for")]
public sealed class ValidationStateTagHelper : TagHelper
{
    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    public override int Order => 100; // after InputTagHelper (-1000), which writes the name

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        if (output.Attributes["name"]?.Value?.ToString() is { Length: > 0 } name
            && ViewContext.ModelState.GetFieldValidationState(name) == ModelValidationState.Invalid)
        {
            output.AddClass("is-invalid", System.Text.Encodings.Web.HtmlEncoder.Default);
            output.Attributes.SetAttribute("aria-invalid", "true");
        }
    }
}
