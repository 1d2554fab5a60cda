using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Security;

/// <summary>What the app wrote, read back from the real SQLite file and the real session store.</summary>
internal static class AccountsDb
{
    public sealed record UserRow(string Id, int AccessFailedCount, DateTimeOffset? LockoutEnd, string PasswordHash);

    public static async Task<IReadOnlyList<UserRow>> UsersWithEmailAsync(SessionAuthApplication app, string email)
    {
        await using var connection = new SqliteConnection($"Data Source={app.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Id, AccessFailedCount, LockoutEnd, PasswordHash FROM AspNetUsers WHERE NormalizedEmail = $email";
        command.Parameters.AddWithValue("$email", email.ToUpperInvariant());
        var rows = new List<UserRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new UserRow(
                reader.GetString(0),
                reader.GetInt32(1),
                reader.IsDBNull(2) ? null : DateTimeOffset.Parse(reader.GetString(2), System.Globalization.CultureInfo.InvariantCulture),
                reader.GetString(3)));
        }

        return rows;
    }

    public static async Task<UserRow> UserAsync(SessionAuthApplication app, string email) =>
        Assert.Single(await UsersWithEmailAsync(app, email));

    /// <summary>The user's live sessions, as the store lists them (whatever its key layout).</summary>
    public static async Task<int> SessionCountAsync(SessionAuthApplication app, string userId) =>
        (await app.Services.GetRequiredService<ISessionStore>().ListByUserAsync(userId)).Count;
}
