using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Pages.Account;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Accounts;

/// <summary>
/// Accounts:RequireConfirmedEmail=true: an unconfirmed account signs in neither by form nor by the token API, and is
/// told so only after the right password; the resend page answers alike for every address.
/// </summary>
public sealed class RequireConfirmedEmailTests(RequireConfirmedEmailTests.ConfirmFirstFixture fixture) : IClassFixture<RequireConfirmedEmailTests.ConfirmFirstFixture>
{
    private const string ConfirmSubject = "Confirm your email address";

    [Fact]
    public async Task AnUnconfirmedAccountCannotSignInByFormOrApiUntilItsLinkIsOpened()
    {
        var email = Emails.Unique("unconfirmed");
        using var client = fixture.App.CreateAppClient();
        var registered = await client.RegisterAsync(email);
        var api = fixture.App.CreateApiClient();

        var form = await client.LoginAsync(email);
        var wrong = await client.LoginAsync(email, "not the password at all");
        var token = await api.RequestTokenAsync(email);
        var tokenWrong = await api.RequestTokenAsync(email, "not the password at all");

        var notice = await AppClient.BodyAsync(await client.GetAsync(registered.Headers.Location!.OriginalString));
        Assert.Contains(LoginModel.RegisteredConfirmFirstText, WebUtility.HtmlDecode(notice), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Null(AppClient.SessionCookieValue(form));
        var formHtml = WebUtility.HtmlDecode(await AppClient.BodyAsync(form));
        Assert.Contains(LoginModel.EmailNotConfirmedText, formHtml, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"resend-confirmation\"", formHtml, StringComparison.Ordinal);
        // A wrong password learns nothing about the address.
        var wrongHtml = WebUtility.HtmlDecode(await AppClient.BodyAsync(wrong));
        Assert.Contains(CredentialInput.InvalidCredentials, wrongHtml, StringComparison.Ordinal);
        Assert.DoesNotContain(LoginModel.EmailNotConfirmedText, wrongHtml, StringComparison.Ordinal);
        var problem = await TokenClient.AssertProblemAsync(token, HttpStatusCode.Forbidden);
        Assert.Contains("Confirm your email address", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, tokenWrong.StatusCode);

        // The sign-in page's resend button mails a link; opening it lets both sign in.
        var resend = await client.SubmitAsync(AppRoutes.ResendConfirmation, [new("Input.Email", email)]);
        var mails = await fixture.Smtp.WaitForMessagesAsync(2, m => TestSmtpServer.SentTo(m, email) && m.Subject == ConfirmSubject);
        Assert.Equal(HttpStatusCode.Redirect, resend.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SubmitPageFormAsync(MailedLinks.Find(mails[^1], AppRoutes.ConfirmEmail).PathAndQuery)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.LoginAsync(email)).StatusCode);
        await TokenClient.ReadPairAsync(await api.RequestTokenAsync(email));
    }

    [Fact]
    public async Task AnUnconfirmedAccountCannotSignInWithAPasskeyUntilItsAddressIsConfirmed()
    {
        var email = Emails.Unique("unconfirmed-passkey");
        using var client = fixture.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await client.RegisterAsync(email)).StatusCode);
        var userId = (await AccountsDb.UserAsync(fixture.App, email)).Id;
        using var passkey = new SoftwarePasskey();
        await passkey.AddToAsync(fixture.App, email);

        var refused = await passkey.SignInAsync(client, userId);
        await ConfirmDirectlyAsync(email);
        var afterConfirming = await passkey.SignInAsync(client, userId);

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Null(AppClient.SessionCookieValue(refused));
        var html = WebUtility.HtmlDecode(await AppClient.BodyAsync(refused));
        Assert.Contains(LoginModel.EmailNotConfirmedText, html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"resend-confirmation\"", html, StringComparison.Ordinal);
        Assert.Contains($"name=\"Input.Email\" value=\"{email}\"", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, afterConfirming.StatusCode);
        Assert.NotNull(AppClient.SessionCookieValue(afterConfirming));
    }

    [Fact]
    public async Task ResendConfirmationAnswersAlikeForUnknownConfirmedAndUnconfirmedAddressesAndMailsOnlyTheUnconfirmed()
    {
        var unconfirmed = Emails.Unique("pending");
        var confirmed = Emails.Unique("done");
        var unknown = Emails.Unique("nobody");
        using var client = fixture.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await client.RegisterAsync(unconfirmed)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.RegisterAsync(confirmed)).StatusCode);
        var link = MailedLinks.Find((await fixture.Smtp.WaitForMessagesAsync(1, m => TestSmtpServer.SentTo(m, confirmed)))[0], AppRoutes.ConfirmEmail);
        Assert.Equal(HttpStatusCode.OK, (await client.SubmitPageFormAsync(link.PathAndQuery)).StatusCode);
        await fixture.Smtp.WaitForMessagesAsync(1, m => TestSmtpServer.SentTo(m, unconfirmed));

        var answers = new List<HttpResponseMessage>();
        foreach (var email in new[] { unconfirmed, confirmed, unknown })
        {
            answers.Add(await client.SubmitAsync(AppRoutes.ResendConfirmation, [new("Input.Email", email)]));
        }

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Redirect, a.StatusCode));
        Assert.Single(answers.Select(a => a.Headers.Location?.OriginalString).Distinct());
        Assert.Single((await Task.WhenAll(answers.Select(AppClient.BodyAsync))).Distinct());
        Assert.Equal(2, (await fixture.Smtp.WaitForMessagesAsync(2, m => TestSmtpServer.SentTo(m, unconfirmed))).Count);
        await Task.Delay(500);
        Assert.Single(fixture.Smtp.Messages, m => TestSmtpServer.SentTo(m, confirmed));
        Assert.DoesNotContain(fixture.Smtp.Messages, m => TestSmtpServer.SentTo(m, unknown));
    }

    private async Task ConfirmDirectlyAsync(string email)
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = (await users.FindByEmailAsync(email))!;
        Assert.True((await users.ConfirmEmailAsync(user, await users.GenerateEmailConfirmationTokenAsync(user))).Succeeded);
    }

    public sealed class ConfirmFirstFixture : MailFlowFixture
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Accounts:RequireConfirmedEmail"] = "true" };
    }
}
