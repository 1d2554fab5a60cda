using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>Everything the app logs during a test, to assert on security events and on the absence of errors.</summary>
public sealed class TestLogSink
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    public void Add(LogEntry entry) => _entries.Enqueue(entry);

    public IEnumerable<LogEntry> UnhandledExceptions =>
        _entries.Where(e => e.Level >= LogLevel.Error && e.Exception is not null);
}

public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);

internal sealed class TestLogProvider(TestLogSink sink) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, sink);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, TestLogSink sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Add(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception));
    }
}
