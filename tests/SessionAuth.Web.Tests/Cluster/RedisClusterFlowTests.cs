using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tests.Infrastructure;
using StackExchange.Redis;

namespace SessionAuth.Web.Tests.Cluster;

/// <summary>
/// The app pointed at a three-master Redis Cluster (ConnectionStrings:Redis lists the three
/// masters): sign-in, protected pages, listing, revoking and sign-out work whichever master holds a
/// user's slot, and a session survives its slot moving to another master while it is in use.
/// </summary>
public sealed class RedisClusterFlowTests(RedisCluster cluster) : IClassFixture<RedisCluster>, IAsyncLifetime
{
    private SessionAuthApplication _app = null!;

    private ISessionStore Store => _app.Services.GetRequiredService<ISessionStore>();

    public Task InitializeAsync()
    {
        _app = new SessionAuthApplication(cluster.ConnectionString);
        _app.StartServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task SignInListRevokeOneRevokeAllAndSignOutWorkForUsersOnDifferentMasters()
    {
        // Enough people that their sessions sit on at least two masters: each user's own slot.
        var people = new List<(AppClient Client, string Email, string UserId, int Master)>();
        while (people.Select(p => p.Master).Distinct().Count() < 2)
        {
            Assert.True(people.Count < 12, "Twelve users all hashed to one master: the user tag does not spread users.");
            var client = _app.CreateAppClient();
            var email = Emails.Unique("cluster");
            await client.RegisterAndLoginAsync(email);
            var id = await UserIdAsync(email);
            people.Add((client, email, id, Assert.Single(await cluster.PortsHoldingKeysInSlotAsync(SlotOf(id)))));
        }

        foreach (var person in people)
        {
            var dashboard = await person.Client.GetAsync("/Dashboard");
            Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
            Assert.Contains("Signed in as", await AppClient.BodyAsync(dashboard), StringComparison.Ordinal);
        }

        // One person signs in on two more devices: three sessions, listed by the store.
        var (first, email1, userId, _) = people[0];
        using var second = _app.CreateAppClient();
        using var third = _app.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await second.LoginAsync(email1)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await third.LoginAsync(email1)).StatusCode);
        var listed = await Store.ListByUserAsync(userId);
        Assert.Equal(3, listed.Count);

        // Revoke the newest (the third device): only that one ends.
        Assert.NotNull(await Store.RemoveByHandleAsync(userId, listed[0].Handle));
        Assert.Equal(HttpStatusCode.Redirect, (await third.GetAsync("/Dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/Dashboard")).StatusCode);
        Assert.Equal(2, (await Store.ListByUserAsync(userId)).Count);

        // Revoke all: both remaining devices are signed out, other people are not.
        Assert.Equal(2, await Store.RemoveAllByUserAsync(userId));
        Assert.Equal(HttpStatusCode.Redirect, (await first.GetAsync("/Dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await second.GetAsync("/Dashboard")).StatusCode);
        Assert.Empty(await Store.ListByUserAsync(userId));
        foreach (var person in people.Skip(1))
        {
            Assert.Equal(HttpStatusCode.OK, (await person.Client.GetAsync("/Dashboard")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/health/ready")).StatusCode);

        // Sign-out by another person, on another master.
        var other = people.First(p => p.Master != people[0].Master);
        Assert.Equal(HttpStatusCode.Redirect, (await other.Client.LogoutAsync()).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await other.Client.GetAsync("/Dashboard")).StatusCode);
        Assert.Empty(await Store.ListByUserAsync(other.UserId));

        foreach (var person in people)
        {
            person.Client.Dispose();
        }
    }

    [Fact]
    public async Task ASessionKeepsWorkingAfterItsSlotMovesToAnotherMaster()
    {
        using var client = _app.CreateAppClient();
        var email = Emails.Unique("migrated");
        await client.RegisterAndLoginAsync(email);
        using var otherDevice = _app.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await otherDevice.LoginAsync(email)).StatusCode);
        var userId = await UserIdAsync(email);
        var slot = SlotOf(userId);
        var from = Assert.Single(await cluster.PortsHoldingKeysInSlotAsync(slot));
        var to = cluster.Ports.First(port => port != from);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Dashboard")).StatusCode);

        await cluster.MoveSlotAsync(slot, from, to);

        Assert.Equal([to], await cluster.PortsHoldingKeysInSlotAsync(slot));
        var dashboard = await client.GetAsync("/Dashboard");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("Signed in as", await AppClient.BodyAsync(dashboard), StringComparison.Ordinal);
        Assert.Equal(2, (await Store.ListByUserAsync(userId)).Count);
        Assert.Equal(HttpStatusCode.Redirect, (await otherDevice.LogoutAsync()).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await otherDevice.GetAsync("/Dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Dashboard")).StatusCode);
        Assert.Single(await Store.ListByUserAsync(userId));
    }

    private int SlotOf(string userId) => cluster.Connection.HashSlot($"{{{UserHashTag.Of(userId)}}}");

    private async Task<string> UserIdAsync(string email)
    {
        using var scope = _app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"No account for {email}.");
        return user.Id;
    }
}
