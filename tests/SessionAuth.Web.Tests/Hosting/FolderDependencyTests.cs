using System.Text.RegularExpressions;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Hosting;

/// <summary>
/// The app's folders depend one way, bottom to top: Infrastructure, Hosting, Sessions, Email, Accounts, Tokens,
/// Pages. A folder may use the ones below it and never one above, so Sessions reads without opening
/// Accounts, Tokens or Pages; a need the other way goes through an interface the lower folder owns
/// (ISessionUserValidator, IUserCredentialRevoker). Read from the source files: a using directive, a
/// fully qualified name or a folder-qualified one (<c>Tokens.RefreshToken</c>, in code or a cref).
/// </summary>
public sealed partial class FolderDependencyTests
{
    /// <summary>Bottom first. Program.cs, the composition root, sits above them all.</summary>
    internal static readonly string[] Layers = ["Infrastructure", "Hosting", "Sessions", "Email", "Accounts", "Tokens", "Pages"];

    [Fact]
    public void NoFolderUsesAFolderAboveIt()
    {
        var app = Path.Combine(RepositoryRoot.Path, "src", "SessionAuth.Web");

        var violations = FindViolations(app);

        Assert.True(violations.Count == 0,
            $"Folders depend one way ({string.Join(" → ", Layers)}); these reach up:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void EveryFolderOfTheAppHasALayer()
    {
        var app = Path.Combine(RepositoryRoot.Path, "src", "SessionAuth.Web");

        var folders = Directory.EnumerateDirectories(app)
            .Select(Path.GetFileName)
            .Where(name => name is not ("bin" or "obj" or "Properties" or "wwwroot" or "App_Data"))
            .Order()
            .ToList();

        Assert.Equal(Layers.Order(), folders);
    }

    [Fact]
    public void TheCheckSeesEachKindOfReference()
    {
        string[] upward =
        [
            "using SessionAuth.Web.Accounts;",
            "@using SessionAuth.Web.Tokens",
            "var store = new SessionAuth.Web.Pages.AppRoutes();",
            "Tokens.RefreshToken token,",
            "/// <see cref=\"Pages.AppRoutes.Login\"/>",
        ];

        Assert.All(upward, line => Assert.Contains(ReferencedFolders(line), folder => Array.IndexOf(Layers, folder) > Array.IndexOf(Layers, "Sessions")));
        Assert.Empty(ReferencedFolders("if (Model.Sessions.Count > 0) return AppRoutes.Sessions; // \"SessionAuth.Accounts.EmailFingerprint.v1\""));
    }

    internal static List<string> FindViolations(string app)
    {
        var violations = new List<string>();
        foreach (var file in Directory.EnumerateFiles(app, "*", SearchOption.AllDirectories)
                     .Where(file => file.EndsWith(".cs", StringComparison.Ordinal) || file.EndsWith(".cshtml", StringComparison.Ordinal)))
        {
            var relative = Path.GetRelativePath(app, file).Replace('\\', '/');
            var folder = relative.Split('/')[0];
            var layer = Array.IndexOf(Layers, folder);
            if (layer < 0)
            {
                continue; // Program.cs, build output
            }

            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (var used in ReferencedFolders(lines[i]).Distinct())
                {
                    if (Array.IndexOf(Layers, used) > layer)
                    {
                        violations.Add($"{relative}:{i + 1}: {folder} uses {used}: {lines[i].Trim()}");
                    }
                }
            }
        }

        return violations;
    }

    /// <summary>The app folders a line names: <c>SessionAuth.Web.X</c> anywhere, or <c>X.Type</c> not preceded by a dot.</summary>
    internal static IEnumerable<string> ReferencedFolders(string line)
    {
        foreach (Match match in QualifiedName().Matches(line))
        {
            yield return match.Groups["folder"].Value;
        }

        foreach (Match match in FolderQualifiedType().Matches(line))
        {
            yield return match.Groups["folder"].Value;
        }
    }

    [GeneratedRegex(@"SessionAuth\.Web\.(?<folder>Infrastructure|Hosting|Sessions|Accounts|Tokens|Pages)\b")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"(?<![\w.])(?<folder>Infrastructure|Hosting|Sessions|Accounts|Tokens|Pages)\.[A-Z]\w*")]
    private static partial Regex FolderQualifiedType();
}
