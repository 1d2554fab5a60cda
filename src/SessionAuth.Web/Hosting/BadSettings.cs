using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Hosting;

/// <summary>
/// A bad setting stops start-up with one line per problem on stderr (the setting, the value, what is
/// allowed) and exit code 1: no "Unhandled exception", no stack trace. Every options class validated
/// on start is checked before anything else runs or logs.
/// </summary>
internal static partial class BadSettings
{
    /// <summary>Runs every ValidateOnStart check now, before the database migration and the first log line.</summary>
    public static void ValidateSettings(this WebApplication app) =>
        app.Services.GetService<IStartupValidator>()?.Validate();

    /// <summary>
    /// True for a settings problem when this process is the app itself. Hosted by someone else (the
    /// tests' WebApplicationFactory), the exception stays theirs to see.
    /// </summary>
    public static bool AreIn(Exception exception) =>
        Assembly.GetEntryAssembly() == typeof(BadSettings).Assembly && Problems(exception, configuration: null).Any();

    /// <summary>Writes one line per problem and returns the process exit code.</summary>
    public static int Report(Exception exception, IConfiguration configuration, TextWriter error)
    {
        foreach (var problem in Problems(exception, configuration).Distinct(StringComparer.Ordinal))
        {
            error.WriteLine($"Bad setting: {problem}");
        }

        return 1;
    }

    private static IEnumerable<string> Problems(Exception exception, IConfiguration? configuration) => exception switch
    {
        AggregateException aggregate => aggregate.InnerExceptions.SelectMany(inner => Problems(inner, configuration)),
        InvalidSettingException invalid => [invalid.Message],
        OptionsValidationException validation => validation.Failures.Select(failure => Describe(failure, configuration)),
        // The configuration binder: "Failed to convert configuration value '20x' at 'Sessions:IdleTimeout' to type 'System.TimeSpan'."
        InvalidOperationException conversion when ConversionFailure().Match(conversion.Message) is { Success: true } match =>
            [Conversion(match.Groups["key"].Value, match.Groups["type"].Value, configuration)],
        _ => [],
    };

    private static string Describe(string failure, IConfiguration? configuration)
    {
        // ValidateDataAnnotations wraps our message: "DataAnnotation validation failed for 'X' members: 'Y' with the error: '...'."
        var message = DataAnnotationsFailure().Match(failure) is { Success: true } wrapped ? wrapped.Groups["message"].Value : failure;
        if (configuration is not null && SettingName().Match(message) is { Success: true } setting && !IsSecret(setting.Value)
            && configuration[setting.Value] is { } value && !message.Contains($"'{value}'", StringComparison.Ordinal))
        {
            message = $"{message.TrimEnd('.')} (it is '{value}').";
        }

        return message;
    }

    /// <summary>
    /// Keys, passwords and connection strings (which may hold passwords) are named, never echoed. A name that only
    /// speaks of passwords (Accounts:PasswordResetLifetime, PasswordPolicy:MinimumScore) holds none and is echoed.
    /// </summary>
    private static bool IsSecret(string key) =>
        key.StartsWith("ConnectionStrings:", StringComparison.OrdinalIgnoreCase)
        || key.Split(':').Any(part => part.EndsWith("Key", StringComparison.Ordinal) || part.EndsWith("Keys", StringComparison.Ordinal)
            || part.EndsWith("Password", StringComparison.Ordinal) || part.Contains("Secret", StringComparison.Ordinal));

    private static string Conversion(string key, string type, IConfiguration? configuration)
    {
        var value = IsSecret(key) ? null : configuration?[key];
        // Nullable<T> is named "System.Nullable`1[[System.Int32, …]]": what is allowed is T's values.
        if (NullableOf().Match(type) is { Success: true } inner)
        {
            type = inner.Groups["type"].Value;
        }

        var allowed = type switch
        {
            "System.TimeSpan" => "a time span written [d.]hh:mm:ss, e.g. 00:20:00 for twenty minutes",
            "System.Int32" or "System.Int64" => "a whole number",
            "System.Boolean" => "true or false",
            _ => $"a value of type {type}",
        };
        return value is null ? $"{key} must be {allowed}." : $"{key} is '{value}', which is not {allowed}.";
    }

    [GeneratedRegex("^DataAnnotation validation failed for '[^']*' members: '[^']*' with the error: '(?<message>.*)'\\.?$", RegexOptions.Singleline)]
    private static partial Regex DataAnnotationsFailure();

    [GeneratedRegex(@"^System\.Nullable`1\[\[(?<type>[^,\]]+)")]
    private static partial Regex NullableOf();

    [GeneratedRegex("at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex ConversionFailure();

    [GeneratedRegex("\\b[A-Z][A-Za-z0-9]*(:[A-Za-z0-9_]+)+\\b")]
    private static partial Regex SettingName();
}
