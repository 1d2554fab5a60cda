using System.Buffers.Binary;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Accounts;

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
        // Signed in elsewhere already, in a browser and an API client: the upgrade changes nothing for them.
        using var other = fixture.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await other.LoginAsync(email)).StatusCode);
        var tokens = await TokenClient.ReadPairAsync(await fixture.App.CreateApiClient().RequestTokenAsync(email));
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
        // Identity's upgrade rotated the security stamp; the other session and the grant moved with it.
        var userId = (await AccountsDb.UserAsync(fixture.App, email)).Id;
        string? stamp = null;
        await WithUserAsync(email, async (users, user) => stamp = await users.GetSecurityStampAsync(user));
        var sessions = await fixture.App.Services.GetRequiredService<ISessionStore>().ListByUserAsync(userId);
        Assert.Equal(2, sessions.Count);
        Assert.All(sessions, session => Assert.Equal(stamp, session.Record.SecurityStamp));
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/Dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.App.CreateApiClient().RefreshAsync(tokens.RefreshToken)).StatusCode);
    }

    private const string Long128 =
        "seven quiet lighthouses hum a mango symphony while violet tractors cross the frozen harbour at dawn and nobody hears them singxx";

    public static TheoryData<string, bool> Policy => new()
    {
        { "correct horse battery staple", true },
        { "lowercase only passphrase", true },           // lower case only: no composition rules
        { "пароль на вход", true },                      // Unicode
        { "   spaced    out   ", true },                 // spaces count
        { "🔑🔑🔑 emoji and words", true },
        { Long128, true },                               // exactly 128
        { "abcdefghijk", false },                        // 11: too short
        { "abcdefghijkm", false },                       // 12, but a sequence: zxcvbn score 0
        { new string('y', 129), false },                 // too long, never truncated
        { "qwerty123456", false },                       // common
        { "LeaveMeAlone", false },                       // common, whatever the case
        { "1q2w3e4r5t6y", false },                       // common
        { string.Concat(Enumerable.Repeat("🔑", 11)), false }, // 22 UTF-16 code units, but 11 characters
        { string.Concat(Enumerable.Repeat("e\u0301", 11)), false }, // 22 code units in NFD, 11 accented letters
    };

    [Theory]
    [MemberData(nameof(Policy))]
    public async Task ThePasswordPolicyAcceptsLengthAndRarityNotComposition(string password, bool accepted)
    {
        using var client = fixture.App.CreateAppClient();

        var response = await client.RegisterAsync(Emails.Unique("policy"), password);

        Assert.Equal(accepted ? HttpStatusCode.Redirect : HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>The passwords the review got accepted, each refused with zxcvbn's warning and advice on the page.</summary>
    [Theory]
    [InlineData("aaaaaaaaaaaa", "Repeats like \"aaa\" are easy to guess.")]
    [InlineData("123456789012", "Sequences like abc or 6543 are easy to guess.")]
    [InlineData("abcabcabcabc", "Sequences like abc or 6543 are easy to guess.")]
    [InlineData("Password123!", "This is similar to a commonly used password. Add another word or two. Uncommon words are better. Capitalization doesn't help very much.")]
    [InlineData("😀😀😀😀😀😀😀😀😀😀😀😀", "Repeats like \"aaa\" are easy to guess.")]
    [InlineData("😀😁😀😁😀😁😀😁😀😁😀😁", "Repeats like \"aaa\" are easy to guess.")]
    [InlineData("👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧", "Repeats like \"aaa\" are easy to guess.")]
    public async Task GuessablePasswordsAreRefusedWithZxcvbnsFeedback(string password, string feedback)
    {
        using var client = fixture.App.CreateAppClient();
        var email = Emails.Unique("guessable");

        var response = await client.RegisterAsync(email, password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = WebUtility.HtmlDecode(await AppClient.BodyAsync(response));
        Assert.Contains(feedback, html, StringComparison.Ordinal);
        Assert.Contains("Add another word or two. Uncommon words are better.", html, StringComparison.Ordinal);
        Assert.Empty(await AccountsDb.UsersWithEmailAsync(fixture.App, email));
    }

    [Fact]
    public async Task TheEmailCountsAsAWordAGuesserTriesFirst()
    {
        using var client = fixture.App.CreateAppClient();

        // Not the local part (that has its own rule), but the domain: zxcvbn gets the email as user input.
        var response = await client.RegisterAsync($"someone@zanzibarquokka.{Guid.NewGuid():N}.example", "zanzibarquokka");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Words from your email address are easy to guess.", await AppClient.BodyAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LengthCountsCharactersAsAPersonDoesNotUtf16CodeUnits()
    {
        using var client = fixture.App.CreateAppClient();
        var elevenEmoji = string.Concat(Enumerable.Repeat("🔑", 11));

        var response = await client.RegisterAsync(Emails.Unique("emoji"), elevenEmoji);
        var twelve = await client.RegisterAsync(Emails.Unique("emoji"), "🔑🚲🌊🎻 sing at dawn"); // 17 characters, 21 code units

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Use at least 12 characters", await AppClient.BodyAsync(response), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, twelve.StatusCode);
    }

    [Theory]
    [InlineData(NormalizationForm.FormD, NormalizationForm.FormC)]
    [InlineData(NormalizationForm.FormC, NormalizationForm.FormD)]
    public async Task APasswordRegisteredInOneUnicodeFormSignsInTypedInTheOther(NormalizationForm registered, NormalizationForm typed)
    {
        using var client = fixture.App.CreateAppClient();
        var email = Emails.Unique("nfc");
        const string password = "crème brûlée à la carte";
        Assert.NotEqual(password.Normalize(registered), password.Normalize(typed));
        Assert.Equal(HttpStatusCode.Redirect, (await client.RegisterAsync(email, password.Normalize(registered))).StatusCode);

        var login = await client.LoginAsync(email, password.Normalize(typed));

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var plain = new PasswordHasher<ApplicationUser>(Options.Create(new PasswordHasherOptions { IterationCount = 210_000 }));
        Assert.NotEqual(PasswordVerificationResult.Failed,
            plain.VerifyHashedPassword(new ApplicationUser(), await StoredHashAsync(email), password.Normalize(NormalizationForm.FormC)));
    }

    [Fact]
    public async Task AHashMadeBeforeNormalisationStillVerifiesAndIsRewrittenInNfc()
    {
        using var client = fixture.App.CreateAppClient();
        var email = Emails.Unique("legacy-nfd");
        const string password = "crème brûlée à la carte";
        await client.RegisterAsync(email, password);
        var plain = new PasswordHasher<ApplicationUser>(Options.Create(new PasswordHasherOptions { IterationCount = 210_000 }));
        await WithUserAsync(email, async (users, user) =>
        {
            // What the app stored before: the password exactly as a Mac sent it, decomposed.
            user.PasswordHash = plain.HashPassword(user, password.Normalize(NormalizationForm.FormD));
            await users.UpdateAsync(user);
        });

        var login = await client.LoginAsync(email, password.Normalize(NormalizationForm.FormC));

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.NotEqual(PasswordVerificationResult.Failed,
            plain.VerifyHashedPassword(new ApplicationUser(), await StoredHashAsync(email), password.Normalize(NormalizationForm.FormC)));
    }

    [Fact]
    public async Task PasswordPolicyMinimumScoreIsHonoured()
    {
        await using var lenient = new SessionAuthApplication(fixture.Redis.ConnectionString,
            new Dictionary<string, string?> { ["PasswordPolicy:MinimumScore"] = "0" });
        using var client = lenient.CreateAppClient();

        var response = await client.RegisterAsync(Emails.Unique("score0"), "abcabcabcabc");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("-1")]
    [InlineData("three")]
    public void ABadMinimumScoreStopsStartUpAndNamesTheSetting(string value)
    {
        using var app = new SessionAuthApplication(null, new Dictionary<string, string?> { ["PasswordPolicy:MinimumScore"] = value });

        var error = Assert.ThrowsAny<Exception>(() => app.Server);

        Assert.Contains("PasswordPolicy:MinimumScore", error.ToString(), StringComparison.Ordinal);
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
        var password = Long128[..^1] + "!";
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
