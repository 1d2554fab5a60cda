using System.Reflection;
using System.Text.Json;
using Microsoft.Playwright;

namespace SessionAuth.Browser.Tests.Infrastructure;

/// <summary>
/// axe-core (from npm, pinned in axe/package-lock.json) run in the page: the serious and critical
/// violations of the page as it stands, each as "rule id: target: summary".
/// </summary>
internal static class Axe
{
    /// <summary>Where the build says axe.min.js is: tests/SessionAuth.Browser.Tests/axe/node_modules/axe-core/.</summary>
    public static string ScriptPath { get; } = typeof(Axe).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "AxeScriptPath").Value!;

    public static void EnsureInstalled()
    {
        if (!File.Exists(ScriptPath))
        {
            throw new InvalidOperationException(
                $"axe-core was not found at {ScriptPath}. Install it with `npm ci --prefix tests/SessionAuth.Browser.Tests/axe` "
                + "(Node.js and npm needed), or run `scripts/test.sh`, which does that.");
        }
    }

    /// <summary>Injects axe into the page (the context must bypass the page's CSP) and returns its serious and critical findings.</summary>
    public static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page)
    {
        EnsureInstalled();
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
        {
            await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = ScriptPath });
        }

        var violations = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const result = await axe.run(document, { resultTypes: ['violations'] });
              return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .flatMap(v => v.nodes.map(n => `${v.id} (${v.impact}): ${n.target.join(' ')}: ${(n.failureSummary || v.help).replace(/\s+/g, ' ')}`));
            }
            """);
        return [.. violations.EnumerateArray().Select(v => v.GetString()!)];
    }
}
