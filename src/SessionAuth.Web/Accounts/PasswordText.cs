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
