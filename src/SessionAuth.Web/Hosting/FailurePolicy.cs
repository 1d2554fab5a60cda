using System.Data.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Data.Sqlite;
using SessionAuth.Web.Infrastructure;
using StackExchange.Redis;

namespace SessionAuth.Web.Hosting;

/// <summary>What a failure is, as far as the answer goes.</summary>
internal enum FailureKind
{
    /// <summary>The client's request could not be read (unreadable body, too large): its own 4xx status.</summary>
    BadRequest,

    /// <summary>Every password hashing slot stayed taken: nothing was decided, come back in a moment.</summary>
    HashingBusy,

    /// <summary>The session store (Redis) or the data the sign-in needs cannot be reached: fail closed.</summary>
    StoreUnavailable,

    /// <summary>The accounts database cannot be reached (connection refused, timed out, file cannot be opened, busy): fail closed.</summary>
    AccountsUnavailable,

    /// <summary>A bug or an outage nobody planned for: a 500, logged as an error with its stack trace.</summary>
    Unexpected,
}

/// <summary>
/// The decision about one failed request: status, problem title and detail, and Retry-After. Made once by
/// <see cref="FailurePolicy"/>, kept as a request feature, and read (never re-decided) by whoever answers:
/// the API's problem details and the error page.
/// </summary>
internal sealed record Failure(FailureKind Kind, int Status, string? Title, string? Detail, string? RetryAfterSeconds)
{
    /// <summary>Expected under load or during an outage: a warning with an event id, no stack trace at error level.</summary>
    public bool Expected => Kind is not FailureKind.Unexpected;
}

/// <summary>
/// The one failure policy, for pages and API alike: which exception means which status, problem and
/// Retry-After (<see cref="Decide"/>), the Retry-After of a 503 sent without an exception
/// (<see cref="ForStatus"/>), and how each is logged (<see cref="FailureExceptionHandler"/>).
/// </summary>
internal static class FailurePolicy
{
    /// <summary>The Redis client reconnects with back-off capped at 5 s.</summary>
    public const string StoreRetryAfterSeconds = "5";

    /// <summary>A hash takes about 100 ms: the queue that was full has moved on within a couple of seconds.</summary>
    public const string HashingRetryAfterSeconds = "2";

    private static readonly Failure HashingBusy = new(FailureKind.HashingBusy, StatusCodes.Status503ServiceUnavailable,
        "Too many sign-ins at once", "The server is checking many passwords right now; nothing was decided. Try again in a few seconds.",
        HashingRetryAfterSeconds);

    private static readonly Failure StoreUnavailable = new(FailureKind.StoreUnavailable, StatusCodes.Status503ServiceUnavailable,
        "Sign-in service unavailable", "The session store cannot be reached, so nobody can be signed in; nothing was changed. Try again in a few seconds.",
        StoreRetryAfterSeconds);

    private static readonly Failure AccountsUnavailable = new(FailureKind.AccountsUnavailable, StatusCodes.Status503ServiceUnavailable,
        "Accounts database unavailable", "The accounts database cannot be reached, so nobody can be signed in; nothing was changed. Try again in a few seconds.",
        StoreRetryAfterSeconds);

    // SQLite's primary result codes for a database another writer holds too long, or that cannot be read at all.
    private static readonly int[] SqliteOutageCodes = [5 /* BUSY */, 6 /* LOCKED */, 10 /* IOERR */, 14 /* CANTOPEN */];

    private static readonly Failure Unexpected = new(FailureKind.Unexpected, StatusCodes.Status500InternalServerError, null, null, null);

    public static Failure Decide(Exception exception) => exception switch
    {
        // Each feature's "cannot serve now" derives from ServiceUnavailableException; the policy needs none of them by name.
        ServiceUnavailableException { Service: UnavailableService.PasswordHashing } => HashingBusy,
        ServiceUnavailableException or RedisException or RedisTimeoutException => StoreUnavailable,
        // The framework's title for its status ("Bad Request", "Payload Too Large"); the message may quote the request, so it stays in the log.
        BadHttpRequestException bad => new Failure(FailureKind.BadRequest, bad.StatusCode, null, null, null),
        _ when IsAccountsDatabaseOutage(exception) => AccountsUnavailable,
        _ => Unexpected,
    };

    /// <summary>
    /// Conservative: only a provider error that says the database could not be reached or served in time, found
    /// as the exception itself or under EF Core's wrappers (DbUpdateException, RetryLimitExceededException, …).
    /// PostgreSQL: what Npgsql calls transient (<see cref="DbException.IsTransient"/>: connection refused or broken,
    /// timeout, server shutting down, too many connections). SQLite: busy, locked, I/O error, cannot open. Anything
    /// else, a constraint violation or a missing table above all, is a bug: it stays a 500 with its stack trace.
    /// </summary>
    private static bool IsAccountsDatabaseOutage(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is DbException database)
            {
                return database.IsTransient
                    || (database is SqliteException sqlite && SqliteOutageCodes.Contains(sqlite.SqliteErrorCode));
            }
        }

        return false;
    }

    /// <summary>
    /// A status some part of the app set without an exception (the session handler's challenge while
    /// the store is away, a page that says so itself, the readiness probe): only a 503 is a failure of ours.
    /// </summary>
    public static Failure? ForStatus(int status) => status == StatusCodes.Status503ServiceUnavailable ? StoreUnavailable : null;

    /// <summary>Every 503, whoever sent it, tells the client when to come back.</summary>
    public static void AddRetryAfter(HttpResponse response)
    {
        if (response.StatusCode == StatusCodes.Status503ServiceUnavailable && response.Headers.RetryAfter.Count == 0)
        {
            response.Headers.RetryAfter = response.HttpContext.Features.Get<Failure>()?.RetryAfterSeconds ?? StoreRetryAfterSeconds;
        }
    }
}

/// <summary>
/// The host's one exception handler: decides (<see cref="FailurePolicy.Decide"/>), counts and logs the
/// failure, keeps the decision for the error page, and answers an API request with RFC 9457 problem
/// details itself. For a page it returns false, and the exception handler middleware re-executes the
/// error page with the decided status. Expected failures (overload, outage, unreadable requests) are
/// logged here without a stack trace; the middleware's own error log is kept for the unexpected
/// (<see cref="SuppressDiagnostics"/>).
/// </summary>
internal sealed class FailureExceptionHandler(
    IProblemDetailsService problems,
    SessionAuthMetrics metrics,
    ILogger<FailureExceptionHandler> logger) : IExceptionHandler
{
    public static bool SuppressDiagnostics(ExceptionHandlerSuppressDiagnosticsContext context) =>
        FailurePolicy.Decide(context.Exception).Expected;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var failure = FailurePolicy.Decide(exception);
        context.Features.Set(failure);
        var endpoint = context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        switch (failure.Kind)
        {
            case FailureKind.HashingBusy:
                metrics.PasswordHashingBusy();
                HostingLog.PasswordHashingBusy(logger, endpoint?.DisplayName, exception.Message);
                break;
            case FailureKind.StoreUnavailable:
                metrics.StoreUnavailableResponse();
                HostingLog.StoreUnavailable(logger, endpoint?.DisplayName, exception.GetType().Name, exception.Message, RootCause(exception));
                break;
            case FailureKind.AccountsUnavailable:
                HostingLog.AccountsUnavailable(logger, endpoint?.DisplayName, exception.GetType().Name, exception.Message, RootCause(exception));
                break;
            case FailureKind.BadRequest:
                HostingLog.BadRequest(logger, failure.Status, exception.Message);
                break;
        }

        var response = context.Response;
        response.StatusCode = failure.Status;
        if (failure.RetryAfterSeconds is { } retryAfter)
        {
            response.Headers.RetryAfter = retryAfter;
        }

        if (endpoint?.Metadata.GetMetadata<ApiEndpointMetadata>() is null)
        {
            return false;
        }

        // Never the exception itself: its message and stack stay in the log.
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = failure.Status, Title = failure.Title, Detail = failure.Detail },
        });
    }

    /// <summary>
    /// What actually failed under the wrappers ("RedisTimeoutException: Timeout awaiting response…", "SqliteException:
    /// SQLite Error 14…"): an operator tells a stall from a lost connection without a stack trace. The Redis client's
    /// messages name no keys (IncludeDetailInExceptions is off); the drivers' name no values.
    /// </summary>
    internal static string RootCause(Exception exception)
    {
        var root = exception;
        while (root.InnerException is { } inner)
        {
            root = inner;
        }

        return $"{root.GetType().Name}: {root.Message}";
    }
}
