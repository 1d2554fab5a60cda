using Zxcvbn.Matcher;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// zxcvbn's estimate of how many guesses a password takes (score 0-4) and, for a weak one, its
/// advice. zxcvbn-core 1.1.17 (the version on the package list) scores but has no feedback module,
/// so <see cref="Feedback"/> applies the rules and English texts of Dropbox zxcvbn 4.4's
/// feedback.coffee to its match sequence (plus one warning of ours: words from the email).
/// </summary>
internal static class PasswordStrength
{
    /// <summary>
    /// zxcvbn's matchers grow faster than linearly with length (up to ~0.2 s for 128 symbol-heavy
    /// characters on one core); a password longer than this is judged by its first part, which only
    /// underrates it.
    /// </summary>
    public const int MaximumEvaluatedLength = 128;

    private static readonly Zxcvbn.Zxcvbn Estimator = new();

    private const string ExtraWords = "Add another word or two. Uncommon words are better.";

    public static (int Score, string Feedback) Evaluate(string password, IEnumerable<string> userInputs)
    {
        var evaluated = password.Length > MaximumEvaluatedLength ? password[..MaximumEvaluatedLength] : password;
        var result = Estimator.EvaluatePassword(evaluated, userInputs);
        return (result.Score, Feedback(result.MatchSequence));
    }

    /// <summary>A warning about the longest weak pattern, then suggestions: one message to show under the field.</summary>
    internal static string Feedback(IList<Zxcvbn.Match> sequence)
    {
        var longest = sequence.Where(m => m.Pattern != "bruteforce").MaxBy(m => m.Token.Length);
        var (warning, suggestions) = longest is null ? ("", new List<string>()) : MatchFeedback(longest, sequence.Count == 1);
        suggestions.Insert(0, ExtraWords);
        var sentences = (warning.Length > 0 ? [warning, .. suggestions] : suggestions)
            .Select(s => s.EndsWith('.') ? s : s + ".");
        return (warning.Length > 0 ? "" : "This password is too easy to guess. ") + string.Join(" ", sentences);
    }

    private static (string Warning, List<string> Suggestions) MatchFeedback(Zxcvbn.Match match, bool isSoleMatch) => match switch
    {
        DictionaryMatch dictionary => DictionaryFeedback(dictionary, isSoleMatch),
        SpatialMatch spatial => (spatial.Turns == 1 ? "Straight rows of keys are easy to guess" : "Short keyboard patterns are easy to guess",
            ["Use a longer keyboard pattern with more turns"]),
        RepeatMatch => ("Repeats like \"aaa\" are easy to guess", ["Avoid repeated words and characters"]),
        SequenceMatch => ("Sequences like abc or 6543 are easy to guess", ["Avoid sequences"]),
        DateMatch => ("Dates are often easy to guess", ["Avoid dates and years that are associated with you"]),
        _ when match.Pattern == "year" => ("Recent years are easy to guess", ["Avoid recent years", "Avoid years that are associated with you"]),
        _ => ("", []),
    };

    private static (string Warning, List<string> Suggestions) DictionaryFeedback(DictionaryMatch match, bool isSoleMatch)
    {
        var isL33t = match is L33tDictionaryMatch;
        var warning = match.DictionaryName switch
        {
            "passwords" when isSoleMatch && !isL33t => match.Rank <= 10 ? "This is a top-10 common password"
                : match.Rank <= 100 ? "This is a top-100 common password" : "This is a very common password",
            "passwords" when match.Rank <= 10_000 => "This is similar to a commonly used password",
            "english" when isSoleMatch => "A word by itself is easy to guess",
            "surnames" or "male_names" or "female_names" => isSoleMatch
                ? "Names and surnames by themselves are easy to guess" : "Common names and surnames are easy to guess",
            "user_inputs" => "Words from your email address are easy to guess",
            _ => "",
        };

        var suggestions = new List<string>();
        var word = match.Token;
        if (word.Length > 1 && char.IsUpper(word[0]) && !word.Skip(1).Any(char.IsUpper))
        {
            suggestions.Add("Capitalization doesn't help very much");
        }
        else if (word.Any(char.IsLetter) && word.All(c => !char.IsLetter(c) || char.IsUpper(c)))
        {
            suggestions.Add("All-uppercase is almost as easy to guess as all-lowercase");
        }

        if (isL33t)
        {
            suggestions.Add("Predictable substitutions like '@' instead of 'a' don't help very much");
        }

        return (warning, suggestions);
    }
}
