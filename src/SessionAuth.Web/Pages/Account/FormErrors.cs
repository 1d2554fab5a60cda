using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.Rendering;

namespace SessionAuth.Web.Pages.Account;

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
