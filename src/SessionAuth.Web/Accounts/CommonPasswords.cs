using System.Collections.Frozen;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// The 30,000 most common passwords, from the frequency list that the zxcvbn-core package ships
/// (Dropbox's zxcvbn data). Loaded once; compared case-insensitively.
/// </summary>
internal static class CommonPasswords
{
    private const string ResourceName = "zxcvbn-core.Dictionaries.passwords.lst";

    private static readonly Lazy<FrozenSet<string>> List = new(Load);

    public static int Count => List.Value.Count;

    public static bool Contains(string password) => List.Value.Contains(password);

    private static FrozenSet<string> Load()
    {
        var assembly = typeof(Zxcvbn.Result).Assembly;
        using var stream = assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The zxcvbn-core package no longer ships {ResourceName}.");
        using var reader = new StreamReader(stream);
        var words = new List<string>(30_000);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                words.Add(line.Trim());
            }
        }

        return words.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }
}
