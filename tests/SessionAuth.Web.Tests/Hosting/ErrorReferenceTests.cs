using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Hosting;

/// <summary>
/// The reference on a 500 page can be found in the log: the error's log entry carries it in its scope,
/// and the console logger writes scopes by default.
/// </summary>
public sealed partial class ErrorReferenceTests : IAsyncDisposable
{
    private const string FailHeader = "X-Test-Fail";

    private readonly ScopeRecorder _recorder = new();
    private readonly SessionAuthApplication _app;

    public ErrorReferenceTests() => _app = new SessionAuthApplication(null, configureServices: services =>
    {
        services.AddSingleton<ILoggerProvider>(_recorder);
        // A test-only failure inside a page, where a real bug would be.
        services.Configure<MvcOptions>(options => options.Filters.Add(new FailOnRequestFilter()));
    });

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task TheReferenceOnA500PageIsInTheScopeOfTheLoggedError()
    {
        using var client = _app.CreateAppClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add(FailHeader, "yes");

        var response = await client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var reference = Reference().Match(await AppClient.BodyAsync(response)).Groups[1].Value;
        Assert.Matches("^[0-9a-f]{32}$", reference);
        var errors = _recorder.Entries.Where(e => e.Level >= LogLevel.Error && e.HasException).ToList();
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Contains($"TraceId:{reference}", e.Scopes, StringComparison.Ordinal));
    }

    [Fact]
    public void TheConsoleLoggerWritesScopes()
    {
        var simple = _app.Services.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue;
        var json = _app.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue;

        Assert.True(simple.IncludeScopes);
        Assert.True(json.IncludeScopes);
    }

    [GeneratedRegex("reference <code>([^<]*)</code>")]
    private static partial Regex Reference();

    private sealed class FailOnRequestFilter : IResourceFilter
    {
        public void OnResourceExecuting(ResourceExecutingContext context)
        {
            // Not again when the error page re-executes the request.
            if (context.HttpContext.Request.Headers.ContainsKey(FailHeader)
                && context.HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>() is null)
            {
                throw new InvalidOperationException("A failure the test asked for.");
            }
        }

        public void OnResourceExecuted(ResourceExecutedContext context)
        {
        }
    }

    internal sealed record ScopedEntry(LogLevel Level, bool HasException, string Scopes);

    /// <summary>A logger provider that sees scopes the way the console logger does (external scopes, activity tracking included).</summary>
    private sealed class ScopeRecorder : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ConcurrentQueue<ScopedEntry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(ScopeRecorder recorder) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => recorder._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scopes = new List<string>();
                recorder._scopes.ForEachScope((scope, list) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        list.AddRange(pairs.Select(p => $"{p.Key}:{p.Value}"));
                    }

                    list.Add(scope?.ToString() ?? "");
                }, scopes);
                recorder.Entries.Enqueue(new ScopedEntry(logLevel, exception is not null, string.Join(" | ", scopes)));
            }
        }
    }
}
