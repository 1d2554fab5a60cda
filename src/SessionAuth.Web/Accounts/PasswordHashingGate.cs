using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// The slots for password hashing. A slot covers one hash (the PBKDF2 work) and nothing else: never
/// the session write, the database write or the answer that follow it, so a stalled Redis or database
/// holds no slot and the sign-ins queued behind it keep hashing.
/// A request waits for its slot asynchronously before its handler runs (<see cref="PasswordHashingFilter"/>):
/// a queued sign-in holds no thread. Measured: twenty sign-ins that waited synchronously inside the
/// hasher held twelve pool threads, the Redis client's read loop queued behind them, and SET timed out after 1 s.
/// </summary>
internal sealed class PasswordHashingGate(IOptions<PasswordHashingOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.EffectiveConcurrency, options.Value.EffectiveConcurrency);
    private readonly TimeSpan _queueTimeout = options.Value.HashQueueTimeout;
    private readonly AsyncLocal<Reservation?> _reservation = new();

    /// <summary>
    /// Waits (without a thread) for a slot and reserves it for the next hash of the calling flow: that
    /// hash takes it over and frees it the moment it is done. Dispose frees a slot no hash took.
    /// </summary>
    public async Task<Reservation> ReserveAsync(CancellationToken cancellationToken)
    {
        if (!await _slots.WaitAsync(_queueTimeout, cancellationToken))
        {
            throw new PasswordHashingBusyException(_queueTimeout);
        }

        return new Reservation(_slots);
    }

    /// <summary>The reservation the current request's hashes draw on; set by the filter, flowing into its handler.</summary>
    public Reservation? Current
    {
        get => _reservation.Value;
        set => _reservation.Value = value;
    }

    /// <summary>
    /// Runs one hash in a slot: the reserved one if the flow still holds it, else a slot waited for here
    /// (on this thread: a second hash of the same request, as change password's, or a caller without a
    /// reservation). Either way the slot is free again when the hash returns.
    /// </summary>
    public T Run<T>(Func<T> hash)
    {
        if (Current?.TakeOver() != true && !_slots.Wait(_queueTimeout))
        {
            throw new PasswordHashingBusyException(_queueTimeout);
        }

        try
        {
            return hash();
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();

    /// <summary>One slot, held until a hash takes it over or the reservation is disposed, whichever comes first.</summary>
    public sealed class Reservation(SemaphoreSlim slots) : IDisposable
    {
        private int _held = 1;

        public bool IsHeld => Volatile.Read(ref _held) == 1;

        /// <summary>True once: the caller now owns the slot and releases it.</summary>
        public bool TakeOver() => Interlocked.Exchange(ref _held, 0) == 1;

        public void Dispose()
        {
            if (TakeOver())
            {
                slots.Release();
            }
        }
    }
}

/// <summary>
/// The one admission to password hashing, for the password forms (<see cref="AppRoutes.PasswordForms"/>,
/// as a page filter) and the token endpoint (as an endpoint filter). Before the handler, with the
/// body read and (on a form) valid, it waits asynchronously for a slot and reserves it for the
/// request's first hash, which frees it as soon as that hash is done; what the handler does after
/// (the session write to Redis, the database) runs without a slot. A form that is invalid hashes
/// nothing and waits for nothing. Waiting longer than Accounts:Passwords:HashQueueTimeout ends in
/// <see cref="PasswordHashingBusyException"/> (a 503 with Retry-After from the host's failure policy).
/// </summary>
internal sealed class PasswordHashingFilter(PasswordHashingGate gate) : IAsyncPageFilter, IEndpointFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (!HttpMethods.IsPost(context.HttpContext.Request.Method) || !context.ModelState.IsValid)
        {
            await next();
            return;
        }

        await AdmittedAsync(context.HttpContext, () => new ValueTask<PageHandlerExecutedContext>(next()));
    }

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        AdmittedAsync(context.HttpContext, () => next(context));

    private async ValueTask<T> AdmittedAsync<T>(HttpContext http, Func<ValueTask<T>> handler)
    {
        if (gate.Current is { IsHeld: true })
        {
            return await handler();
        }

        using var reservation = await gate.ReserveAsync(http.RequestAborted);
        // Set here, not inside ReserveAsync: it flows into the handler (and the hasher it calls), not back out of a callee.
        gate.Current = reservation;
        return await handler();
    }
}
