using Microsoft.EntityFrameworkCore;

namespace SessionAuth.Web.Accounts;

/// <summary>Provider errors the app answers instead of failing, recognised the same way on every provider.</summary>
internal static class AccountsDatabaseErrors
{
    private const int SqliteConstraintViolation = 19; // SQLITE_CONSTRAINT

    /// <summary>An insert lost a race on a unique index (or the primary key) to another writer.</summary>
    public static bool IsUniqueViolation(DbUpdateException exception) => exception.InnerException switch
    {
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode == SqliteConstraintViolation,
        Npgsql.PostgresException postgres => postgres.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
