using System.Collections.Concurrent;
using System.Collections.Frozen;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace SessionAuth.Web.Hosting;

/// <summary>
/// A page answers only the methods it has handlers for (GET also answers HEAD); OPTIONS is answered
/// 204 with an <c>Allow</c> header listing them, anything else is 405 with the same header. Without this, Razor Pages renders a page for a method it has no handler
/// for (TRACE /Dashboard ran the view without its model). Runs before antiforgery validation, so a PUT
/// is told 405 rather than "bad token".
/// </summary>
internal sealed class AllowedMethodsFilter : IAuthorizationFilter, IOrderedFilter
{
    private readonly ConcurrentDictionary<CompiledPageActionDescriptor, AllowedMethods> _allowed = new();

    // Antiforgery validation is an authorization filter with order 1000.
    public int Order => -1000;

    public void OnAuthorization(AuthorizationFilterContext context)
    {
        var http = context.HttpContext;
        if (context.ActionDescriptor is not CompiledPageActionDescriptor page
            || http.Features.Get<IStatusCodeReExecuteFeature>() is not null
            || http.Features.Get<IExceptionHandlerFeature>() is not null)
        {
            // The error page renders for whatever method the failed request had.
            return;
        }

        // Computed once per page: a page request costs one dictionary and one set lookup.
        var allowed = _allowed.GetOrAdd(page, Describe);
        var method = http.Request.Method;
        if (HttpMethods.IsOptions(method))
        {
            http.Response.Headers.Allow = allowed.Header;
            context.Result = new NoContentResult();
        }
        else if (!allowed.Methods.Contains(method))
        {
            http.Response.Headers.Allow = allowed.Header;
            context.Result = new StatusCodeResult(StatusCodes.Status405MethodNotAllowed);
        }
    }

    private static AllowedMethods Describe(CompiledPageActionDescriptor page)
    {
        var methods = Methods(page);
        return new AllowedMethods(methods.ToFrozenSet(StringComparer.OrdinalIgnoreCase), string.Join(", ", methods));
    }

    private static string[] Methods(CompiledPageActionDescriptor page)
    {
        var methods = page.HandlerMethods.Select(h => h.HttpMethod.ToUpperInvariant()).ToList();
        if (methods.Contains(HttpMethods.Get))
        {
            // Razor Pages runs the GET handler for HEAD.
            methods.Add(HttpMethods.Head);
        }

        methods.Add(HttpMethods.Options);
        return [.. methods.Distinct().Order(StringComparer.Ordinal)];
    }

    private sealed record AllowedMethods(FrozenSet<string> Methods, string Header);
}
