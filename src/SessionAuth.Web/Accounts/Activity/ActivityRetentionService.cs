using Microsoft.Extensions.Options;

namespace SessionAuth.Web.Accounts.Activity;

/// <summary>
/// Deletes activity events older than Activity:RetentionDays, at start and then every hour. Every
/// instance runs it; the delete is idempotent, so several instances only repeat each other's work.
/// </summary>
internal sealed class ActivityRetentionService(
    IServiceScopeFactory scopes,
    IOptions<ActivityOptions> options,
    TimeProvider time,
    ILogger<ActivityRetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ActivityOptions.PruneInterval, time);
        do
        {
            await PruneOnceAsync(stoppingToken);
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    /// <summary>One pass; a failure (database away, table not there yet) is logged and the next pass tries again.</summary>
    internal async Task<int> PruneOnceAsync(CancellationToken cancellationToken)
    {
        var days = options.Value.RetentionDays;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var log = scope.ServiceProvider.GetRequiredService<ActivityLog>();
            var deleted = await log.DeleteOlderThanAsync(time.GetUtcNow().UtcDateTime.AddDays(-days), cancellationToken);
            if (deleted > 0)
            {
                ActivityLogMessages.Pruned(logger, deleted, days);
            }

            return deleted;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ActivityLogMessages.PruneFailed(logger, ex, ActivityOptions.PruneInterval);
            return 0;
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
