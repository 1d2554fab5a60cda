using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Documentation;

/// <summary>
/// The README is a newcomer's page and the docs are read without the issue tracker: these check the
/// checkout's own files, so a long README, a tracker reference, a dead link or a layout block that
/// no longer matches the tree fails the build instead of misleading a reader.
/// </summary>
public sealed partial class DocumentationTests
{
    private const int ReadmeMaxLines = 250;

    /// <summary>Folders of the app that are build output or local data, not part of its layout.</summary>
    private static readonly string[] NotLayout = ["bin", "obj", "App_Data", "Properties"];

    [Fact]
    public void ReadmeIsAtMost250Lines()
    {
        var lines = File.ReadAllLines(Repo("README.md"));

        Assert.True(lines.Length <= ReadmeMaxLines,
            $"README.md has {lines.Length} lines; a newcomer's page has at most {ReadmeMaxLines}. Move detail to docs/.");
    }

    [Fact]
    public void NoDocumentNamesAnIssueNumber()
    {
        var documents = new List<string> { Repo("README.md"), Repo("bench", "README.md") };
        documents.AddRange(Directory.EnumerateFiles(Repo("docs"), "*", SearchOption.AllDirectories));

        var found = documents
            .SelectMany(file => File.ReadAllLines(file).Select((line, index) => (file, line, number: index + 1)))
            .Where(entry => TrackerReference().IsMatch(entry.line))
            .Select(entry => $"{Relative(entry.file)}:{entry.number}: {entry.line.Trim()}")
            .ToList();

        Assert.True(found.Count == 0,
            "A reader cannot look up a tracker's issue numbers; say what the thing is instead:\n" + string.Join('\n', found));
    }

    [Fact]
    public void EveryRelativeLinkInTheReadmeAndDocsPointsToAnExistingFileAndHeading()
    {
        var documents = new List<string> { Repo("README.md") };
        documents.AddRange(Directory.EnumerateFiles(Repo("docs"), "*.md"));

        var broken = documents.SelectMany(BrokenLinks).ToList();

        Assert.NotEmpty(documents.SelectMany(document => Links(File.ReadAllText(document))));
        Assert.True(broken.Count == 0, "Broken links:\n" + string.Join('\n', broken));
    }

    [Fact]
    public void TheReadmeLayoutBlockMatchesTheTree()
    {
        var entries = LayoutEntries(File.ReadAllText(Repo("README.md")));

        var missing = entries.Where(entry => !File.Exists(Repo(entry)) && !Directory.Exists(Repo(entry))).ToList();
        var repeated = entries.GroupBy(entry => entry).Where(group => group.Count() > 1).Select(group => group.Key).ToList();
        var appFolders = Directory.EnumerateDirectories(Repo("src", "SessionAuth.Web"))
            .Select(folder => System.IO.Path.GetFileName(folder))
            .Where(name => !NotLayout.Contains(name, StringComparer.Ordinal))
            .Select(name => $"src/SessionAuth.Web/{name}/");
        var unlisted = appFolders.Where(folder => !entries.Contains(folder)).ToList();

        Assert.True(entries.Count > 0, "README.md has no code block under its \"## Project layout\" heading.");
        Assert.True(missing.Count == 0, "The layout block names paths that do not exist:\n" + string.Join('\n', missing));
        Assert.True(repeated.Count == 0, "The layout block lists these more than once:\n" + string.Join('\n', repeated));
        Assert.True(unlisted.Count == 0, "The layout block leaves out these folders of the app:\n" + string.Join('\n', unlisted));
    }

    [Fact]
    public void TheLayoutParserNestsByIndentAndTakesTheFirstWordOfEachLine()
    {
        const string readme = """
            ## Project layout

            ```
            top.txt          a file
            src/
              App/           the app
                Inner/       nested
              Other.cs       back one level
            docs/            (a description with spaces)
                             a stray continuation line
            ```
            """;

        string[] expected = ["top.txt", "src/", "src/App/", "src/App/Inner/", "src/Other.cs", "docs/", "docs/a"];

        var entries = LayoutEntries(readme);

        Assert.Equal(expected, entries);
    }

    [Theory]
    [InlineData("see issue 9", true)]
    [InlineData("(Issue #12)", true)]
    [InlineData("issues 9-11", true)]
    [InlineData("the token issuer", false)]
    [InlineData("tokens are issued at sign-in", false)]
    public void TheTrackerPatternFindsIssueNumbersOnly(string text, bool expected)
    {
        Assert.Equal(expected, TrackerReference().IsMatch(text));
    }

    [Theory]
    [InlineData("## Token flow (`Tokens`, `Api`)", "token-flow-tokens-api")]
    [InlineData("## Redis client, Redis Cluster and outages", "redis-client-redis-cluster-and-outages")]
    [InlineData("### What the person sees: /Account/Sessions, recent activity", "what-the-person-sees-accountsessions-recent-activity")]
    public void HeadingAnchorsAreTheOnesGitHubMakes(string heading, string anchor)
    {
        Assert.Contains(anchor, Anchors(heading + "\n"));
    }

    private static IEnumerable<string> BrokenLinks(string document)
    {
        var text = File.ReadAllText(document);
        var folder = System.IO.Path.GetDirectoryName(document)!;
        foreach (var link in Links(text))
        {
            if (link.Contains("://", StringComparison.Ordinal) || link.StartsWith("mailto:", StringComparison.Ordinal))
            {
                continue;
            }

            var hash = link.IndexOf('#', StringComparison.Ordinal);
            var target = hash < 0 ? link : link[..hash];
            var anchor = hash < 0 ? null : link[(hash + 1)..];
            var path = target.Length == 0 ? document : System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, Uri.UnescapeDataString(target)));
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                yield return $"{Relative(document)}: ({link}) names a file that does not exist";
            }
            else if (anchor is not null && path.EndsWith(".md", StringComparison.Ordinal) && !Anchors(File.ReadAllText(path)).Contains(anchor))
            {
                yield return $"{Relative(document)}: ({link}) names a heading that {Relative(path)} does not have";
            }
        }
    }

    /// <summary>The targets of the inline links outside code blocks.</summary>
    private static IEnumerable<string> Links(string markdown) =>
        InlineLink().Matches(WithoutCodeBlocks(markdown)).Select(match => match.Groups["target"].Value);

    /// <summary>The anchors GitHub gives the headings: lower case, punctuation dropped, spaces to hyphens, repeats numbered.</summary>
    private static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match heading in Heading().Matches(WithoutCodeBlocks(markdown)))
        {
            var slug = new StringBuilder();
            foreach (var c in heading.Groups["text"].Value.Trim().ToLower(CultureInfo.InvariantCulture))
            {
                if (char.IsLetterOrDigit(c) || c is '-' or '_')
                {
                    slug.Append(c);
                }
                else if (c == ' ')
                {
                    slug.Append('-');
                }
            }

            var anchor = slug.ToString();
            for (var n = 1; !anchors.Add(anchor); n++)
            {
                anchor = $"{slug}-{n}";
            }
        }

        return anchors;
    }

    /// <summary>
    /// The paths of the code block under "## Project layout": the first word of each line, inside the
    /// folder of the nearest less-indented line above it that ends in '/'.
    /// </summary>
    private static List<string> LayoutEntries(string readme)
    {
        var lines = readme.Split('\n').Select(line => line.TrimEnd('\r')).ToList();
        var heading = lines.FindIndex(line => line.Trim() == "## Project layout");
        var open = heading < 0 ? -1 : lines.FindIndex(heading, line => line.TrimStart().StartsWith("```", StringComparison.Ordinal));
        var close = open < 0 ? -1 : lines.FindIndex(open + 1, line => line.TrimStart().StartsWith("```", StringComparison.Ordinal));
        if (close < 0)
        {
            return [];
        }

        var baseIndent = lines[open].Length - lines[open].TrimStart().Length;
        var folders = new Stack<(int Indent, string Path)>();
        var entries = new List<string>();
        foreach (var line in lines.Skip(open + 1).Take(close - open - 1).Where(line => line.Trim().Length > 0))
        {
            var indent = line.Length - line.TrimStart().Length - baseIndent;
            while (folders.Count > 0 && folders.Peek().Indent >= indent)
            {
                folders.Pop();
            }

            var word = line.Trim().Split(' ', 2)[0];
            var path = (folders.Count > 0 ? folders.Peek().Path : "") + word;
            entries.Add(path);
            if (word.EndsWith('/'))
            {
                folders.Push((indent, path));
            }
        }

        return entries;
    }

    private static string WithoutCodeBlocks(string markdown) => FencedBlock().Replace(markdown, "");

    private static string Repo(params string[] parts) =>
        System.IO.Path.Combine([RepositoryRoot.Path, .. parts.SelectMany(part => part.TrimEnd('/').Split('/'))]);

    private static string Relative(string path) => System.IO.Path.GetRelativePath(RepositoryRoot.Path, path);

    [GeneratedRegex(@"\bissues?\s*#?\d+", RegexOptions.IgnoreCase)]
    private static partial Regex TrackerReference();

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)(\s+""[^""]*"")?\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.+?)\s*#*\s*$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\s*```.*?^\s*```[^\n]*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();
}
