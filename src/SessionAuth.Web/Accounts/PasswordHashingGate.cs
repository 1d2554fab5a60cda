using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Pages;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// The slots for password hashing. A form that checks or sets a password takes one before its handler
/// runs, waiting asynchronously (<see cref="PasswordHashingAdmission"/>): a queued sign-in holds no
/// thread. Measured: twenty sign-ins that waited synchronously inside the hasher held twelve pool
/// threads, the Redis client's read loop queued behind them, and SET timed out after 1 s.
/// </summary>
internal sealed class PasswordHashingGate(IOptions<PasswordHashingOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.EffectiveConcurrency, options.Value.EffectiveConcurrency);
    private readonly TimeSpan _queueTimeout = options.Value.HashQueueTimeout;
    private readonly AsyncLocal<bool> _admitted = new();

    /// <summary>True inside a request that holds a slot: its hashes run without asking again.</summary>
    public bool IsAdmitted
    {
        get => _admitted.Value;
        set => _admitted.Value = value;
    }

    public async Task EnterAsync(CancellationToken cancellationToken)
    {
        if (!await _slots.WaitAsync(_queueTimeout, cancellationToken))
        {
            throw new PasswordHashingBusyException(_queueTimeout);
        }
    }

    /// <summary>For a caller outside an admitted request (none of the forms): waits on its thread.</summary>
    public void Enter()
    {
        if (!_slots.Wait(_queueTimeout))
        {
            throw new PasswordHashingBusyException(_queueTimeout);
        }
    }

    public void Release() => _slots.Release();

    public void Dispose() => _slots.Dispose();
}

/// <summary>
/// On the password forms (<see cref="AppRoutes.PasswordForms"/>): a valid submission waits for a
/// hashing slot before its handler runs and keeps it to the end of the handler. The body is already
/// read, so a slow client never holds a slot; an invalid form hashes nothing and waits for nothing.
/// </summary>
internal sealed class PasswordHashingAdmission(PasswordHashingGate gate) : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (!HttpMethods.IsPost(context.HttpContext.Request.Method) || !context.ModelState.IsValid || gate.IsAdmitted)
        {
            await next();
            return;
        }

        await gate.EnterAsync(context.HttpContext.RequestAborted);
        try
        {
            // Flows into the handler (and the hasher it calls), not back out of this method.
            gate.IsAdmitted = true;
            await next();
        }
        finally
        {
            gate.Release();
        }
    }
}
