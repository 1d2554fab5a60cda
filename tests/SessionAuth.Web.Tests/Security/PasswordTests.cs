using System.Buffers.Binary;
using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Security;

/// <summary>Credential storage and password policy (ASVS 2.1, 2.4), through the real forms and the real SQLite store.</summary>
public sealed class PasswordTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    private const byte FormatV3 = 0x01;
    private const uint HmacSha512 = 2; // KeyDerivationPrf.HMACSHA512 in Identity's V3 header

    [Fact]
    public async Task PasswordsAreStoredAsPbkdf2HmacSha512WithAtLeast210000Iterations()
    {
        using var client = fixture.App.CreateAppClient();
        var email = Emails.Unique("hash");

        await client.RegisterAsync(email);

        var (format, prf, iterations) = DescribeHash(await StoredHashAsync(email));
        Assert.Equal(FormatV3, format);
        Assert.Equal(HmacSha512, prf);
        Assert.True(iterations >= 210_000, $"{iterations} iterations");
    }

    [Fact]
    public async Task AnOlderWeakerHashIsUpgradedAtTheNextSuccessfulSignIn()
    {
        using var client = fixture.App.CreateAppClient();
        var email = Emails.Unique("upgrade");
        await client.RegisterAsync(email);
        var weak = new PasswordHasher<ApplicationUser>(Options.Create(new PasswordHasherOptions { IterationCount = 100_000 }));
        await WithUserAsync(email, async (users, user) =>
        {
            user.PasswordHash = weak.HashPassword(user, AppClient.Password);
            await users.UpdateAsync(user);
        });
        Assert.Equal(100_000, (int)DescribeHash(await StoredHashAsync(email)).Iterations);

        var login = await client.LoginAsync(email);

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal(210_000, (int)DescribeHash(await StoredHashAsync(email)).Iterations);
        Assert.Contains(fixture.App.Logs.Entries, e => e.EventId.Id == 1016);
    }

    public static TheoryData<string, bool> Policy => new()
    {
        { "correct horse battery staple", true },
        { "abcdefghijkm", true },                        // 12 characters, lower case only: no composition rules
        { "пароль на вход", true },                      // Unicode
        { "   spaced    out   ", true },                 // spaces count
        { "🔑🔑🔑 emoji and words", true },
        { new string('x', 120) + "12345678", true },     // exactly 128
        { "abcdefghijk", false },                        // 11: too short
        { new string('y', 129), false },                 // too long, never truncated
        { "qwerty123456", false },                       // common
        { "LeaveMeAlone", false },                       // common, whatever the case
        { "1q2w3e4r5t6y", false },                       // common
    };

    [Theory]
    [MemberData(nameof(Policy))]
    public async Task ThePasswordPolicyAcceptsLengthAndRarityNotComposition(string password, bool accepted)
    {
        using var client = fixture.App.CreateAppClient();

        var response = await client.RegisterAsync(Emails.Unique("policy"), password);

        Assert.Equal(accepted ? HttpStatusCode.Redirect : HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("margaret.hamilton", "margaret.hamilton", "must not contain your email")]
    [InlineData("margaret.hamilton", "Margaret.Hamilton-was-here", "must not contain your email")]
    [InlineData("bob", "my name is BOB and this is long", "must not contain your email")]
    [InlineData("qwerty", "qwerty123456", "most common")]
    public async Task APasswordMadeOfTheEmailOrACommonOneIsRefusedWithAHelpfulMessage(string localPart, string password, string message)
    {
        using var client = fixture.App.CreateAppClient();

        var response = await client.RegisterAsync($"{localPart}@{Guid.NewGuid():N}.example.com", password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(message, await AppClient.BodyAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheWhole128CharacterPasswordCountsNothingIsTruncated()
    {
        using var client = fixture.App.CreateAppClient();
        var email = Emails.Unique("truncate");
        var password = new string('z', 100) + "-the-end-matters-too-" + "1234567";
        Assert.Equal(128, password.Length);
        await client.RegisterAsync(email, password);

        var withoutLastCharacter = await client.LoginAsync(email, password[..^1]);
        var whole = await client.LoginAsync(email, password);

        Assert.Equal(HttpStatusCode.OK, withoutLastCharacter.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, whole.StatusCode);
    }

    [Fact]
    public void TheCommonPasswordListHoldsAtLeastTenThousandEntries()
    {
        Assert.True(CommonPasswords.Count >= 10_000, $"{CommonPasswords.Count} entries");
        Assert.True(CommonPasswords.Contains("PASSWORD"));
    }

    private async Task<string> StoredHashAsync(string email)
    {
        string? hash = null;
        await WithUserAsync(email, (_, user) =>
        {
            hash = user.PasswordHash;
            return Task.CompletedTask;
        });
        return hash!;
    }

    private async Task WithUserAsync(string email, Func<UserManager<ApplicationUser>, ApplicationUser, Task> action)
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"No user {email}");
        await action(users, user);
    }

    private static (byte Format, uint Prf, uint Iterations) DescribeHash(string hash)
    {
        var bytes = Convert.FromBase64String(hash);
        return (bytes[0], BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1)), BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5)));
    }
}
