using System.Net.Sockets;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace SessionAuth.Web.Email;

/// <summary>
/// Delivers the outbox: claims due rows with a lease, sends them over one connection, and marks each outcome. A
/// failure waits <c>Email:RetryDelay</c>, doubling up to <c>Email:MaxRetryDelay</c>, and after <c>Email:MaxAttempts</c>
/// the row is marked failed and logged as an error. Every instance runs one; the leases keep them off each other's rows.
/// </summary>
internal sealed class OutboxSender<TContext>(
    IServiceScopeFactory scopes,
    IMailTransport transport,
    MailMessageFactory messages,
    MailSignal signal,
    EmailFingerprint fingerprint,
    IOptions<EmailOptions> options,
    IOptions<AppOptions> app,
    IHostEnvironment environment,
    TimeProvider time,
    ILogger<OutboxSender<TContext>> logger) : BackgroundService
    where TContext : DbContext
{
    internal const int BatchSize = 10;
    private static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);
    private DateTime _nextPrune = DateTime.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogWhereMailGoes();
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = options.Value.PollInterval;
            var batchWasFull = false;
            try
            {
                await PruneWhenDueAsync(stoppingToken);
                batchWasFull = await SendDueAsync(stoppingToken) == BatchSize;
            }
            catch (Exception ex)
            {
                if (stoppingToken.IsCancellationRequested)
                {
                    break;
                }

                // The database is away or busy: the rows stay where they are, and their leases run out if we held any.
                wait = TimeSpan.FromSeconds(Math.Max(5, wait.TotalSeconds));
                EmailLog.PassFailed(logger, Describe(ex), wait);
            }

            if (batchWasFull)
            {
                continue;
            }

            try
            {
                await signal.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>One claim and its sends; the number of rows claimed.</summary>
    internal async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var token = Guid.NewGuid();
        var now = Now();
        // Long enough for a connect, a login and every send of the batch at their own deadlines, with room to spare.
        var lease = settings.Smtp.Timeout * (BatchSize + 3);
        var claimed = await OutboxStore.ClaimAsync(db, token, now, now + lease, BatchSize, cancellationToken);
        if (claimed.Count == 0)
        {
            return 0;
        }

        var pending = new Queue<OutboxMessage>(claimed);
        try
        {
            IMailConnection connection;
            try
            {
                connection = await transport.OpenAsync(cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Nothing of the batch could go: each message's attempt failed the same way.
                while (pending.TryDequeue(out var row))
                {
                    await RecordFailureAsync(db, row, token, ex, CancellationToken.None);
                }

                return claimed.Count;
            }

            await using (connection)
            {
                while (pending.TryPeek(out var row))
                {
                    try
                    {
                        await connection.SendAsync(messages.Create(row), cancellationToken);
                    }
                    catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                    {
                        pending.Dequeue();
                        await RecordFailureAsync(db, row, token, ex, CancellationToken.None);
                        if (ex is SmtpCommandException)
                        {
                            continue; // the server refused this message; the connection still serves the next
                        }

                        break; // the connection is gone: the rest go back for the next pass
                    }

                    pending.Dequeue();
                    // Not cancellable: the message went out, and a lost mark would send it again.
                    if (await OutboxStore.MarkSentAsync(db, row, token, Now(), CancellationToken.None))
                    {
                        EmailLog.Sent(logger, row.Id, row.Kind, await fingerprint.OfAsync(row.Recipient, CancellationToken.None), row.Attempts + 1);
                    }
                    else
                    {
                        EmailLog.LeaseLost(logger, row.Id, row.Kind);
                    }
                }
            }
        }
        finally
        {
            if (pending.Count > 0)
            {
                // Shutdown, or a broken connection: hand the rest back now rather than at the lease's end.
                using var release = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await OutboxStore.ReleaseAsync(db, pending.Select(m => m.Id), token, release.Token);
            }
        }

        return claimed.Count;
    }

    private async Task RecordFailureAsync(DbContext db, OutboxMessage row, Guid token, Exception failure, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var attempt = row.Attempts + 1;
        var description = Describe(failure);
        var recipient = await fingerprint.OfAsync(row.Recipient, cancellationToken);
        var now = Now();
        if (attempt >= settings.MaxAttempts || IsPermanent(failure))
        {
            await OutboxStore.MarkAttemptFailedAsync(db, row, token, now, now, description, cancellationToken);
            EmailLog.Failed(logger, row.Id, row.Kind, recipient, attempt, description);
            return;
        }

        var delay = RetryDelay(attempt, settings);
        await OutboxStore.MarkAttemptFailedAsync(db, row, token, now + delay, null, description, cancellationToken);
        EmailLog.Retrying(logger, row.Id, row.Kind, recipient, attempt, description, delay);
    }

    /// <summary>RetryDelay after the first failure, doubling after each later one, never above MaxRetryDelay.</summary>
    internal static TimeSpan RetryDelay(int failedAttempts, EmailOptions settings)
    {
        var factor = Math.Pow(2, Math.Min(failedAttempts - 1, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(settings.RetryDelay.Ticks * factor, settings.MaxRetryDelay.Ticks));
        return delay < settings.MaxRetryDelay ? delay : settings.MaxRetryDelay;
    }

    /// <summary>The server said this recipient does not exist: asking again will not change that.</summary>
    private static bool IsPermanent(Exception failure) =>
        failure is SmtpCommandException { ErrorCode: SmtpErrorCode.RecipientNotAccepted, StatusCode: var status } && (int)status >= 500;

    /// <summary>What went wrong, in words that never include the server's text (it may quote the address or the message).</summary>
    internal static string Describe(Exception failure) => failure switch
    {
        SmtpCommandException command => $"SMTP {(int)command.StatusCode} ({command.ErrorCode})",
        SmtpProtocolException => "SMTP protocol error",
        MailKit.Security.AuthenticationException => "SMTP authentication failed",
        MailKit.Security.SslHandshakeException => "TLS handshake failed",
        MailKit.ServiceNotConnectedException or MailKit.ServiceNotAuthenticatedException => "SMTP connection lost",
        SocketException socket => $"connection failed ({socket.SocketErrorCode})",
        OperationCanceledException or TimeoutException => "timed out",
        IOException io when io.InnerException is SocketException socket => $"connection failed ({socket.SocketErrorCode})",
        IOException => "connection lost",
        UnauthorizedAccessException => "pickup directory not writable",
        _ => failure.GetType().Name,
    };

    private async Task PruneWhenDueAsync(CancellationToken cancellationToken)
    {
        var now = Now();
        if (now < _nextPrune)
        {
            return;
        }

        _nextPrune = now + PruneInterval;
        await PruneOnceAsync(cancellationToken);
    }

    internal async Task<int> PruneOnceAsync(CancellationToken cancellationToken)
    {
        var days = options.Value.RetentionDays;
        await using var scope = scopes.CreateAsyncScope();
        var deleted = await OutboxStore.PruneAsync(scope.ServiceProvider.GetRequiredService<TContext>(), Now().AddDays(-days), cancellationToken);
        if (deleted > 0)
        {
            EmailLog.Pruned(logger, deleted, days);
        }

        return deleted;
    }

    private void LogWhereMailGoes()
    {
        var settings = options.Value;
        if (settings.UsesSmtp)
        {
            EmailLog.MailOverSmtp(logger, settings.Smtp.Host!.Trim(), settings.Smtp.Port, settings.Smtp.SecurityMode.ToString());
        }
        else
        {
            var directory = transport is PickupDirectoryTransport pickup ? pickup.Directory : settings.PickupDirectory;
            EmailLog.MailToPickupDirectory(logger, environment.IsDevelopment() ? LogLevel.Information : LogLevel.Warning, directory);
        }

        if (string.IsNullOrWhiteSpace(app.Value.PublicUrl))
        {
            EmailLog.LinksFromListeningAddress(logger);
        }
    }

    private DateTime Now() => time.GetUtcNow().UtcDateTime;
}
