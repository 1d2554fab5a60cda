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

/// <summary>How a form page tells that its last POST failed.</summary>
public static class FormErrors
{
    /// <summary>The page title, starting "Error:" when the form holds errors, so it is the first thing a screen reader hears.</summary>
    public static string Title(this ModelStateDictionary modelState, string title) =>
        modelState.ErrorCount > 0 ? $"Error: {title}" : title;

    /// <summary>Every error of the form in field order, with the id of the field it belongs to (null for the form as a whole).</summary>
    public static IReadOnlyList<(string? FieldId, string Message)> Summary(this ModelStateDictionary modelState, IEnumerable<string> fieldOrder)
    {
        var order = fieldOrder.Select((name, index) => (name, index)).ToDictionary(f => f.name, f => f.index, StringComparer.Ordinal);
        return modelState
            .Where(entry => entry.Value is { Errors.Count: > 0 })
            .OrderBy(entry => entry.Key.Length == 0 ? -1 : order.GetValueOrDefault(entry.Key, int.MaxValue))
            .SelectMany(entry => entry.Value!.Errors.Select(error => (
                FieldId: entry.Key.Length == 0 ? null : TagBuilder.CreateSanitizedId(entry.Key, "_"),
                Message: string.IsNullOrEmpty(error.ErrorMessage) ? "This value is not valid." : error.ErrorMessage)))
            .DistinctBy(error => (error.FieldId, error.Message))
            .ToList();
    }
}
