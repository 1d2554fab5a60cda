using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Pages;

/// <summary>
/// /Account/Passkeys and the passkey options pages through the real pipeline, Redis and SQLite. Passkeys here are
/// put straight into the account (no authenticator); signing in with one runs in Chromium (the browser tests).
/// </summary>
public sealed partial class PasskeysPageTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    private const string Path = "/Account/Passkeys";
    private readonly SessionAuthApplication _app = fixture.App;

    [Fact]
    public async Task EachPasskeyIsARowWithItsNameWhenItWasAddedAndThatItWasNeverUsed()
    {
        using var client = _app.CreateAppClient();
        var email = Emails.Unique("pk-list");
        await client.RegisterAndLoginAsync(email);
        await AddPasskeyAsync(email, "Work laptop");
        await AddPasskeyAsync(email, name: null);

        var html = await AppClient.BodyAsync(await client.GetAsync(Path));

        var rows = Rows(html);
        Assert.Equal(2, rows.Count);
        Assert.Contains(">Work laptop</strong>", rows[0], StringComparison.Ordinal);
        Assert.Contains(">Passkey</strong>", rows[1], StringComparison.Ordinal);
        Assert.All(rows, row => Assert.Contains("Never used to sign in", row, StringComparison.Ordinal));
        Assert.All(rows, row => Assert.Matches("Added <time datetime=\"\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z\">", row));
        Assert.All(rows, row => Assert.Contains("handler=Delete", row, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RenamingAPasskeyChangesItsNameOnly()
    {
        using var client = _app.CreateAppClient();
        var email = Emails.Unique("pk-rename");
        await client.RegisterAndLoginAsync(email);
        var id = await AddPasskeyAsync(email, "Old name");

        var renamed = await client.SubmitAsync(Path, [new("Id", id), new("Name", "  New\tname  ")], postPath: Path + "?handler=Rename");

        Assert.Equal(HttpStatusCode.Redirect, renamed.StatusCode);
        Assert.Equal("/Account/Passkeys?Notice=renamed", renamed.Headers.Location!.OriginalString);
        var passkey = Assert.Single(await PasskeysOfAsync(email));
        Assert.Equal("Newname", passkey.Name);
        Assert.Equal(id, Base64Url.EncodeToString(passkey.CredentialId));
    }

    [Fact]
    public async Task RemovingAPasskeyDeletesItRecordsItAndLeavesEverySessionSignedIn()
    {
        using var client = _app.CreateAppClient();
        using var other = _app.CreateAppClient();
        var email = Emails.Unique("pk-remove");
        await client.RegisterAndLoginAsync(email);
        Assert.Equal(HttpStatusCode.Redirect, (await other.LoginAsync(email)).StatusCode);
        var id = await AddPasskeyAsync(email, "Lost phone");

        var removed = await client.SubmitAsync(Path, [new("Id", id)], postPath: Path + "?handler=Delete");

        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.Equal("/Account/Passkeys?Notice=removed", removed.Headers.Location!.OriginalString);
        Assert.Empty(await PasskeysOfAsync(email));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/Dashboard")).StatusCode);
        var sessions = await AppClient.BodyAsync(await client.GetAsync("/Account/Sessions"));
        Assert.Contains("data-kind=\"PasskeyRemoved\"", sessions, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Delete")]
    [InlineData("Rename")]
    public async Task AChangeWithoutTheSessionsCsrfTokenIs400AndChangesNothing(string handler)
    {
        using var client = _app.CreateAppClient();
        var email = Emails.Unique("pk-csrf");
        await client.RegisterAndLoginAsync(email);
        var id = await AddPasskeyAsync(email, "Kept");

        var forged = await client.Http.PostAsync($"{Path}?handler={handler}",
            new FormUrlEncodedContent([new("Id", id), new("Name", "Forged")]));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal("Kept", Assert.Single(await PasskeysOfAsync(email)).Name);
    }

    [Fact]
    public async Task AnotherUsersPasskeyIsNotFoundAndStaysWhereItIs()
    {
        using var owner = _app.CreateAppClient();
        using var intruder = _app.CreateAppClient();
        var ownerEmail = Emails.Unique("pk-owner");
        await owner.RegisterAndLoginAsync(ownerEmail);
        await intruder.RegisterAndLoginAsync(Emails.Unique("pk-intruder"));
        var id = await AddPasskeyAsync(ownerEmail, "Owner's");

        var attempt = await intruder.SubmitAsync(Path, [new("Id", id)], postPath: Path + "?handler=Delete");

        Assert.Equal("/Account/Passkeys?Notice=not-found", attempt.Headers.Location!.OriginalString);
        Assert.Single(await PasskeysOfAsync(ownerEmail));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64url!")]
    [InlineData("AAAA=")]
    public async Task AnIdThePageNeverWroteIs400(string id)
    {
        using var client = _app.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("pk-bad"));

        var response = await client.SubmitAsync(Path, [new("Id", id)], postPath: Path + "?handler=Delete");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("That is not a passkey this page listed", await AppClient.BodyAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddingWithoutTheBrowsersAnswerSaysItNeedsJavaScript()
    {
        using var client = _app.CreateAppClient();
        var email = Emails.Unique("pk-noscript");
        await client.RegisterAndLoginAsync(email);

        var response = await client.SubmitAsync(Path, [new("Input.Name", "Mine"), new("Input.Credential", "")], postPath: Path + "?handler=Add");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Adding a passkey needs JavaScript", await AppClient.BodyAsync(response), StringComparison.Ordinal);
        Assert.Empty(await PasskeysOfAsync(email));
    }

    [Fact]
    public async Task SignInOptionsHoldAFreshChallengeForThisHostAndOnlyAHandleGoesInTheCookie()
    {
        using var client = _app.CreateAppClient();

        var response = await client.SubmitAsync("/Account/Login", [], postPath: "/Account/PasskeyRequestOptions");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        using var options = JsonDocument.Parse(await AppClient.BodyAsync(response));
        Assert.Equal("localhost", options.RootElement.GetProperty("rpId").GetString());
        var challenge = options.RootElement.GetProperty("challenge").GetString()!;
        Assert.Equal(32, Base64Url.DecodeFromChars(challenge).Length);
        var cookie = AppClient.SetCookie(response, "__Host-passkey")!;
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(challenge, cookie, StringComparison.Ordinal);
        Assert.Equal(43, cookie.Split(';')[0].Split('=', 2)[1].Length);
    }

    [Fact]
    public async Task ASignInChallengeIsSpentByItsFirstAnswerRightOrWrong()
    {
        using var client = _app.CreateAppClient();
        var key = await NewCeremonyKeyAsync(() => client.SubmitAsync("/Account/Login", [], postPath: "/Account/PasskeyRequestOptions"));

        var answer = await client.SubmitAsync("/Account/Login", [new("Credential", "{\"id\":\"AAAA\"}")], postPath: "/Account/Login?handler=Passkey");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains("That passkey was not recognised", await AppClient.BodyAsync(answer), StringComparison.Ordinal);
        Assert.False(await fixture.Redis.Db.KeyExistsAsync(key));
        Assert.StartsWith("__Host-passkey=;", AppClient.SetCookie(answer, "__Host-passkey"), StringComparison.Ordinal);
        var again = await client.SubmitAsync("/Account/Login", [new("Credential", "{\"id\":\"AAAA\"}")], postPath: "/Account/Login?handler=Passkey");
        Assert.Contains("That passkey was not recognised", await AppClient.BodyAsync(again), StringComparison.Ordinal);
        Assert.Null(AppClient.SessionCookieValue(again));
    }

    [Fact]
    public async Task ASignInChallengeCannotFinishARegistration()
    {
        using var client = _app.CreateAppClient();
        var email = Emails.Unique("pk-mixup");
        await client.RegisterAndLoginAsync(email);
        var key = await NewCeremonyKeyAsync(() => client.SubmitAsync(Path, [], postPath: "/Account/PasskeyRequestOptions"));

        var response = await client.SubmitAsync(Path, [new("Input.Credential", "{\"id\":\"AAAA\"}")], postPath: Path + "?handler=Add");

        Assert.Contains("The passkey was not added", await AppClient.BodyAsync(response), StringComparison.Ordinal);
        Assert.False(await fixture.Redis.Db.KeyExistsAsync(key));
        Assert.Contains(_app.Logs.Entries, e => e.EventId.Id == 1061 && e.Message.Contains("No passkey ceremony", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RegistrationOptionsNameTheSignedInUserAndListTheirPasskeysAndNeedASession()
    {
        using var anonymous = _app.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.SubmitAsync("/Account/Login", [], postPath: "/Account/PasskeyCreationOptions")).StatusCode);
        using var client = _app.CreateAppClient();
        var email = Emails.Unique("pk-create");
        await client.RegisterAndLoginAsync(email);
        var id = await AddPasskeyAsync(email, "Already here");

        var response = await client.SubmitAsync(Path, [], postPath: "/Account/PasskeyCreationOptions");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var options = JsonDocument.Parse(await AppClient.BodyAsync(response));
        Assert.Equal(email, options.RootElement.GetProperty("user").GetProperty("name").GetString());
        Assert.Equal("localhost", options.RootElement.GetProperty("rp").GetProperty("id").GetString());
        Assert.Equal("required", options.RootElement.GetProperty("authenticatorSelection").GetProperty("residentKey").GetString());
        Assert.Equal(id, Assert.Single(options.RootElement.GetProperty("excludeCredentials").EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task RegistrationChallengesAndPasskeyChangesBeyondTheLimitAre429AndReadingThePageIsNotLimited()
    {
        await using var pair = await RedisAppPair.StartAsync(new Dictionary<string, string?> { ["Passkeys:OptionsPermitLimit"] = "2" });
        using var client = pair.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("pk-limit"));

        var challenges = new List<HttpResponseMessage>();
        var adds = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            challenges.Add(await client.SubmitAsync(Path, [], postPath: "/Account/PasskeyCreationOptions"));
            adds.Add(await client.SubmitAsync(Path, [new("Input.Credential", "{\"id\":\"AAAA\"}")], postPath: Path + "?handler=Add"));
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], challenges.Select(r => r.StatusCode));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], adds.Select(r => r.StatusCode));
        Assert.NotNull(adds[^1].Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Path)).StatusCode);
    }

    /// <summary>The one ceremony record <paramref name="begin"/> wrote to Redis.</summary>
    private async Task<StackExchange.Redis.RedisKey> NewCeremonyKeyAsync(Func<Task<HttpResponseMessage>> begin)
    {
        var before = CeremonyKeys();
        Assert.Equal(HttpStatusCode.OK, (await begin()).StatusCode);
        return Assert.Single(CeremonyKeys().Except(before));
    }

    private HashSet<StackExchange.Redis.RedisKey> CeremonyKeys() =>
        [.. fixture.Redis.Admin.GetServers()[0].Keys(pattern: "sa:pk:*")];

    /// <summary>Puts a passkey into the account as a registration would leave it; returns its id as the page writes it.</summary>
    private async Task<string> AddPasskeyAsync(string email, string? name)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = (await users.FindByEmailAsync(email))!;
        var credentialId = RandomNumberGenerator.GetBytes(16);
        Assert.True((await users.AddOrUpdatePasskeyAsync(user, SignInFactors.Passkey(credentialId, name))).Succeeded);
        return Base64Url.EncodeToString(credentialId);
    }

    private async Task<IList<UserPasskeyInfo>> PasskeysOfAsync(string email)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return await users.GetPasskeysAsync((await users.FindByEmailAsync(email))!);
    }

    private static List<string> Rows(string html) => [.. Row().Matches(html).Select(m => m.Value)];

    [GeneratedRegex("<li class=\"list-group-item\" data-testid=\"passkey-row\">.*?</li>", RegexOptions.Singleline)]
    private static partial Regex Row();
}
