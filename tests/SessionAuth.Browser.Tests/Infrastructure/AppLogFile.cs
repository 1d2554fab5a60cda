using Microsoft.Extensions.Logging;

namespace SessionAuth.Browser.Tests.Infrastructure;

/// <summary>
/// The browser tests' apps run inside the test process, where nobody reads their console. A journey that fails
/// on a 503 or an error page shows only what Chromium saw; this appends every warning and error the apps log to
/// the file named by <see cref="Variable"/> (scripts/test.sh sets it and prints the file when a test fails), so a
/// failure on a CI machine can be explained from its output alone.
/// </summary>
internal sealed class AppLogFile(string path, string app) : ILoggerProvider
{
    public const string Variable = "SESSIONAUTH_TEST_APP_LOG";

    private static readonly Lock Gate = new();

    public static string? Path => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path ? path : null;

    private string App => app;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Append(string line)
    {
        lock (Gate)
        {
            try
            {
                File.AppendAllText(path, line);
            }
            catch (IOException)
            {
                // A diagnostic aid only: a log file that cannot be written must not turn the app's warnings into failures.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private sealed class Logger(AppLogFile file, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var line = $"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {file.App} {logLevel} {category}[{eventId.Id}] {formatter(state, exception)}";
            for (var e = exception; e is not null; e = e.InnerException)
            {
                line += $"{Environment.NewLine}    {e.GetType().FullName}: {e.Message}";
            }

            file.Append(line + Environment.NewLine);
        }
    }
}
