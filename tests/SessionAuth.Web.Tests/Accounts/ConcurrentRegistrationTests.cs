using System.Net;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Accounts;

/// <summary>
/// The registration race on each accounts provider: the unique index on the user name decides, and
/// the losers hear what the winner hears (a taken address is not told apart). Fifty password hashes at once hold both cores of a CI machine
/// for seconds, so this runs alone rather than starving the other classes' Redis calls.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class ConcurrentRegistrationTests
{
    [Theory]
    [InlineData(nameof(AccountsProvider.Sqlite))]
    [InlineData(nameof(AccountsProvider.Postgres))]
    public async Task FiftyConcurrentRegistrationsOfOneEmailMakeExactlyOneAccountAndNo500(string provider)
    {
        await using var pair = await RedisAppPair.StartAsync(accounts: Enum.Parse<AccountsProvider>(provider));
        var email = Emails.Unique("fifty");
        var clients = Enumerable.Range(0, 50).Select(_ => pair.App.CreateAppClient()).ToList();
        var answers = await RegistrationRace.RegisterAtOnceAsync(clients, email);

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode));
        Assert.Single(answers.Select(a => a.Headers.Location?.OriginalString).Distinct());

        Assert.Single(await AccountsDb.UsersWithEmailAsync(pair.App, email));
        Assert.Empty(pair.App.Logs.UnhandledExceptions
            .Where(e => e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal))
            .Select(e => $"{e.Category}: {e.Exception!.GetType().Name}: {e.Exception.Message}"));
        clients.ForEach(c => c.Dispose());
    }
}
