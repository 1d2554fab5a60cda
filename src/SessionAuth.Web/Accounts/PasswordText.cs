using System.Globalization;
using System.Text;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// One rule for what a password "is" (ASVS 2.1.4): Unicode NFC, so the same characters typed on
/// any keyboard or system hash alike, and a length in text elements (what a person counts as
/// characters: an emoji or a letter with its accent is one).
/// </summary>
internal static class PasswordText
{
    /// <summary>The password in NFC. Text that is not valid Unicode (a lone surrogate) stays as it came.</summary>
    public static string Normalize(string password)
    {
        try
        {
            return password.IsNormalized(NormalizationForm.FormC) ? password : password.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            return password;
        }
    }

    /// <summary>Characters as a person counts them, after NFC.</summary>
    public static int Length(string password) => new StringInfo(Normalize(password)).LengthInTextElements;

    /// <summary>
    /// True when the password is one run of characters (text elements, so an emoji counts as one)
    /// repeated whole, at least twice: "aaaa", "abcabc", twelve times the same emoji.
    /// </summary>
    public static bool IsRepetition(string password)
    {
        var elements = new List<string>();
        var enumerator = StringInfo.GetTextElementEnumerator(password);
        while (enumerator.MoveNext())
        {
            elements.Add(enumerator.GetTextElement());
        }

        for (var period = 1; period <= elements.Count / 2; period++)
        {
            if (elements.Count % period != 0)
            {
                continue;
            }

            var repeats = true;
            for (var i = period; i < elements.Count && repeats; i++)
            {
                repeats = string.Equals(elements[i], elements[i % period], StringComparison.Ordinal);
            }

            if (repeats)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The form the password had before passwords were normalised, where that differs from NFC:
    /// as typed, and its NFD (a hash made on a system that sends decomposed text).
    /// </summary>
    public static IEnumerable<string> LegacyForms(string typed, string normalized)
    {
        if (!string.Equals(typed, normalized, StringComparison.Ordinal))
        {
            yield return typed;
        }

        string decomposed;
        try
        {
            decomposed = normalized.Normalize(NormalizationForm.FormD);
        }
        catch (ArgumentException)
        {
            yield break;
        }

        if (!string.Equals(decomposed, normalized, StringComparison.Ordinal) && !string.Equals(decomposed, typed, StringComparison.Ordinal))
        {
            yield return decomposed;
        }
    }
}
