using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using SessionAuth.Web.Hosting;

namespace SessionAuth.Web.Sessions;

/// <summary>
/// <c>HttpContext.Session</c> of a signed-in request: the sign-in session's own data, no second cookie and
/// no second lookup. The data came with the record in the request's one store read; it stays bytes until
/// a page first touches it, and only the keys this request changes are written back, merged atomically
/// with whatever parallel requests of the session stored (<see cref="ISessionStore.CommitDataAsync"/>).
/// </summary>
/// <remarks>
/// Writes go out with <see cref="CommitAsync"/>, or by themselves just before the response starts (so the
/// next request, a redirect's target say, sees them). A request that changes nothing writes nothing. A
/// page that must handle a failed write itself calls <see cref="CommitAsync"/>; the automatic commit logs a
/// failure and, while the headers are not yet sent, answers 503 (store away) or 409 (a parallel request
/// filled the data) instead of the page's status. A request that failed with an exception stores nothing
/// it had not committed. The data ends with the session: sign-out, revocation, expiry, a new sign-in.
/// </remarks>
internal sealed class ServerSessionData(HttpContext context, SessionId id, ReadOnlyMemory<byte> stored, ISessionStore store, int maxBytes)
    : ISession, ISessionFeature
{
    private Dictionary<string, byte[]>? _entries;
    private Dictionary<string, byte[]?>? _changes;
    private bool _cleared;
    private bool _ended;
    private bool _commitScheduled;
    private string? _id;

    ISession ISessionFeature.Session
    {
        get => this;
        set => throw new NotSupportedException("HttpContext.Session is the sign-in session's data; it cannot be replaced.");
    }

    public bool IsAvailable => !_ended;

    /// <summary>The session's handle (a one-way hash of its id, as the sessions page shows it), never the id the cookie carries.</summary>
    public string Id => _id ??= id.Handle.Value;

    public IEnumerable<string> Keys => Entries.Keys;

    private Dictionary<string, byte[]> Entries => _entries ??= SessionDataFormat.Parse(stored.Span);

    private bool HasChanges => _cleared || _changes is { Count: > 0 };

    /// <summary>Nothing to load: the data came with the session's record.</summary>
    public Task LoadAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_entries is null && stored.IsEmpty)
        {
            value = null;
            return false; // a session without data: a page that looks pays no allocation
        }

        return Entries.TryGetValue(key, out value);
    }

    /// <exception cref="SessionDataTooLargeException">The data would pass Sessions:MaxDataBytes; nothing changes.</exception>
    public void Set(string key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ThrowIfEnded();
        var entries = Entries;
        var previous = entries.GetValueOrDefault(key);
        if (previous is not null && previous.AsSpan().SequenceEqual(value))
        {
            return; // the same value: no change, no write
        }

        var size = SessionDataFormat.SizeOf(entries) + SessionDataFormat.SizeOf(key, value.Length)
            - (previous is null ? 0 : SessionDataFormat.SizeOf(key, previous.Length));
        if (size > maxBytes)
        {
            throw new SessionDataTooLargeException(size, maxBytes);
        }

        var copy = value.ToArray();
        entries[key] = copy;
        Changed(key, copy);
    }

    public void Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        ThrowIfEnded();
        if (Entries.Remove(key))
        {
            Changed(key, null);
        }
    }

    public void Clear()
    {
        ThrowIfEnded();
        if (Entries.Count == 0 && !HasChanges)
        {
            return;
        }

        Entries.Clear();
        _changes = null;
        _cleared = true;
        ScheduleCommit();
    }

    /// <summary>Writes this request's changes now, in one store round trip; none when nothing changed.</summary>
    /// <exception cref="SessionDataTooLargeException">A parallel request added data meanwhile and the merge would pass Sessions:MaxDataBytes; nothing was written.</exception>
    /// <exception cref="SessionStoreUnavailableException">The store cannot be reached; nothing was written.</exception>
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        if (_ended || !HasChanges)
        {
            return;
        }

        // Taken before the round trip: a failed write is the caller's exception, never retried behind its back.
        var changes = new SessionDataChanges(_cleared, _changes ?? []);
        _changes = null;
        _cleared = false;
        var (outcome, size) = await store.CommitDataAsync(id, changes, maxBytes, cancellationToken);
        switch (outcome)
        {
            case SessionDataCommit.SessionGone:
                // Signed out or revoked while this request ran: the data ended with the session.
                _ended = true;
                break;
            case SessionDataCommit.TooLarge:
                throw new SessionDataTooLargeException(size, maxBytes);
        }
    }

    /// <summary>The session ended in this request (sign-out, a new sign-in): nothing more is written for it.</summary>
    public void End()
    {
        _ended = true;
        _changes = null;
        _cleared = false;
    }

    private void Changed(string key, byte[]? value)
    {
        (_changes ??= new Dictionary<string, byte[]?>(StringComparer.Ordinal))[key] = value;
        ScheduleCommit();
    }

    /// <summary>On the first change only, so a request that changes nothing registers nothing.</summary>
    private void ScheduleCommit()
    {
        if (_commitScheduled)
        {
            return;
        }

        _commitScheduled = true;
        if (!context.Response.HasStarted)
        {
            context.Response.OnStarting(static state => ((ServerSessionData)state).CommitOnResponseAsync(), this);
        }
        else
        {
            context.Response.OnCompleted(static state => ((ServerSessionData)state).CommitOnResponseAsync(), this);
        }
    }

    private async Task CommitOnResponseAsync()
    {
        _commitScheduled = false;
        if (context.Features.Get<IExceptionHandlerFeature>() is not null)
        {
            // The page failed: its half-made changes are not stored (what it committed itself stays).
            End();
            return;
        }

        try
        {
            await CommitAsync(context.RequestAborted);
        }
        catch (Exception ex)
        {
            // Never an unhandled exception from a response callback (a 500 with a stack trace): a warning with
            // an event id, and, while the headers are not sent, a status that does not claim success.
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger<ServerSessionData>();
            var expected = ex is SessionStoreUnavailableException or SessionDataTooLargeException or OperationCanceledException;
            SessionLog.DataCommitFailed(logger, id.Fingerprint(), ex.GetType().Name, ex.Message, expected ? null : ex);
            var response = context.Response;
            if (!response.HasStarted)
            {
                response.StatusCode = ex is SessionDataTooLargeException ? StatusCodes.Status409Conflict : StatusCodes.Status503ServiceUnavailable;
                response.Headers.Location = default;
                FailurePolicy.AddRetryAfter(response);
            }
        }
    }

    private void ThrowIfEnded()
    {
        if (_ended)
        {
            throw new InvalidOperationException("This session ended during the request (signed out, or replaced by a new sign-in); its data can no longer change.");
        }
    }
}

/// <summary>
/// <c>HttpContext.Session</c> of a request without a signed-in session. Anonymous requests keep no session
/// data: that would take a second cookie or a store write per visitor, and nothing could be carried into a
/// sign-in without opening the door to fixation. Every member but <see cref="IsAvailable"/> says so clearly,
/// instead of the framework's "Session has not been configured", which invites AddSession.
/// </summary>
internal sealed class SignedOutSession : ISession, ISessionFeature
{
    public const string Message =
        "HttpContext.Session holds the data of the signed-in session, and this request has none (nobody is signed in, "
        + "or the session just ended). Check User.Identity.IsAuthenticated or HttpContext.Session.IsAvailable first; "
        + "anonymous requests keep no session data.";

    public static readonly SignedOutSession Instance = new();

    private SignedOutSession()
    {
    }

    ISession ISessionFeature.Session
    {
        get => this;
        set => throw new NotSupportedException("HttpContext.Session is the sign-in session's data; it cannot be replaced.");
    }

    public bool IsAvailable => false;

    public string Id => throw new InvalidOperationException(Message);

    public IEnumerable<string> Keys => throw new InvalidOperationException(Message);

    public Task LoadAsync(CancellationToken cancellationToken = default) => throw new InvalidOperationException(Message);

    public Task CommitAsync(CancellationToken cancellationToken = default) => throw new InvalidOperationException(Message);

    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? value) => throw new InvalidOperationException(Message);

    public void Set(string key, byte[] value) => throw new InvalidOperationException(Message);

    public void Remove(string key) => throw new InvalidOperationException(Message);

    public void Clear() => throw new InvalidOperationException(Message);
}
