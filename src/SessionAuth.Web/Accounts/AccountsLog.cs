namespace SessionAuth.Web.Accounts;

internal static partial class AccountsLog
{
    [LoggerMessage(EventId = 1001, EventName = "ApplyingMigrations", Level = LogLevel.Information,
        Message = "Applying {Count} accounts database migration(s): {Migrations}. If this hangs, a process died mid-migration: delete the row in __EFMigrationsLock.")]
    public static partial void ApplyingMigrations(ILogger logger, int count, string migrations);
}
