using System.Net;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Pages.Account;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Accounts.TwoFactor;

/// <summary>
/// The pending second step between a right password and a session: wrong codes count toward the password lockout,
/// the step is single use and expires, and a used code is refused on every instance on the same Redis.
/// </summary>
public sealed class SecondStepTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    private const string StepExpired = "/Account/Login?Notice=step-expired";

    [Fact]
    public async Task WrongReusedAndWrongRecoveryCodesCountTowardTheLockoutWhichEndsTheStepButNotTheSessionsThere()
    {
        var (email, twoFactor) = await TwoFactorForms.NewAccountAsync(fixture.App, "guess");
        using var owner = fixture.App.CreateAppClient();
        var used = Totp.Now(twoFactor.Key);
        Assert.Equal(HttpStatusCode.Redirect, (await TwoFactorForms.SignInAsync(owner, email, used)).StatusCode);
        using var guesser = fixture.App.CreateAppClient();
        await TwoFactorForms.PasswordStepAsync(guesser, email);

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add(await TwoFactorForms.CodeStepAsync(guesser, Totp.Wrong(twoFactor.Key)));
        }

        answers.Add(await TwoFactorForms.RecoveryStepAsync(guesser, "AAAAA-BBBBB"));
        var fifth = await TwoFactorForms.CodeStepAsync(guesser, used);
        var afterwards = await guesser.LoginAsync(email);

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(HttpStatusCode.Redirect, fifth.StatusCode);
        Assert.Equal("/Account/Login?Notice=code-locked-out", fifth.Headers.Location?.OriginalString);
        Assert.Null(AppClient.SessionCookieValue(fifth));
        var row = await AccountsDb.UserAsync(fixture.App, email);
        Assert.True(row.LockoutEnd > DateTimeOffset.UtcNow, "Five wrong codes did not lock the account.");
        // Locked: even the right password starts no second step; the owner's session is untouched.
        Assert.Equal(HttpStatusCode.OK, afterwards.StatusCode);
        Assert.Null(AppClient.SetCookie(afterwards, TwoFactorForms.StepCookieName));
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/Dashboard")).StatusCode);
    }

    [Fact]
    public async Task ACompletedStepCannotBeCompletedAgainWithItsCookie()
    {
        var (email, twoFactor) = await TwoFactorForms.NewAccountAsync(fixture.App, "once");
        using var browser = fixture.App.CreateAppClient();
        var password = await TwoFactorForms.PasswordStepAsync(browser, email);
        var step = AppClient.SetCookie(password, TwoFactorForms.StepCookieName)!.Split(';')[0];
        Assert.Equal(HttpStatusCode.Redirect, (await TwoFactorForms.CodeStepAsync(browser, Totp.Now(twoFactor.Key))).StatusCode);
        using var replay = fixture.App.CreateAppClient();
        replay.Http.DefaultRequestHeaders.TryAddWithoutValidation("Cookie", step);

        var page = await replay.GetAsync(AppRoutes.LoginWith2fa);
        var post = await replay.SubmitAsync(AppRoutes.Login, [new("Input.Code", Totp.Now(twoFactor.Key, +1))], postPath: AppRoutes.LoginWith2fa);

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal(StepExpired, page.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.Equal(StepExpired, post.Headers.Location?.OriginalString);
        Assert.Null(AppClient.SessionCookieValue(post));
    }

    [Fact]
    public async Task NoLogLineCarriesTheKeyACodeARecoveryCodeOrTheStepHandle()
    {
        var (email, twoFactor) = await TwoFactorForms.NewAccountAsync(fixture.App, "logs");
        using var browser = fixture.App.CreateAppClient();
        var password = await TwoFactorForms.PasswordStepAsync(browser, email);
        var handle = AppClient.SetCookie(password, TwoFactorForms.StepCookieName)!.Split(';')[0].Split('=', 2)[1];
        var wrong = Totp.Wrong(twoFactor.Key);
        await TwoFactorForms.CodeStepAsync(browser, wrong);
        Assert.Equal(HttpStatusCode.Redirect, (await TwoFactorForms.RecoveryStepAsync(browser, twoFactor.RecoveryCodes[0])).StatusCode);
        using var second = fixture.App.CreateAppClient();
        var right = Totp.Now(twoFactor.Key);
        Assert.Equal(HttpStatusCode.Redirect, (await TwoFactorForms.SignInAsync(second, email, right)).StatusCode);

        var log = string.Join("\n", fixture.App.Logs.Entries.Select(e => e.Message + " " + e.Exception));

        Assert.Contains((await AccountsDb.UserAsync(fixture.App, email)).Id, log, StringComparison.Ordinal);
        Assert.DoesNotContain(twoFactor.Key.Replace(" ", "", StringComparison.Ordinal), log, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(twoFactor.Key, log, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(handle, log, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, log, StringComparison.Ordinal);
        Assert.DoesNotContain(right, log, StringComparison.Ordinal);
        Assert.All(twoFactor.RecoveryCodes, code => Assert.DoesNotContain(code, log, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task TheSecondStepPagesWithoutAPendingStepSendThePersonBackToThePassword()
    {
        using var stranger = fixture.App.CreateAppClient();

        var code = await stranger.GetAsync(AppRoutes.LoginWith2fa);
        var recovery = await stranger.GetAsync(AppRoutes.LoginWithRecoveryCode);

        Assert.Equal(StepExpired, code.Headers.Location?.OriginalString);
        Assert.Equal(StepExpired, recovery.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task ThePendingStepExpiresAfterTwoFactorPendingLifetime()
    {
        await using var pair = await RedisAppPair.StartAsync(new Dictionary<string, string?> { ["TwoFactor:PendingLifetime"] = "00:00:02" });
        var (email, twoFactor) = await TwoFactorForms.NewAccountAsync(pair.App, "expiry");
        using var browser = pair.App.CreateAppClient();
        await TwoFactorForms.PasswordStepAsync(browser, email);
        var token = await browser.GetAntiforgeryTokenAsync(AppRoutes.LoginWith2fa);

        await Task.Delay(TimeSpan.FromSeconds(3));
        var late = await browser.Http.PostAsync(AppRoutes.LoginWith2fa, new FormUrlEncodedContent(
            [new("Input.Code", Totp.Now(twoFactor.Key)), new("__RequestVerificationToken", token)]));

        Assert.Equal(HttpStatusCode.Redirect, late.StatusCode);
        Assert.Equal(StepExpired, late.Headers.Location?.OriginalString);
        Assert.Null(AppClient.SessionCookieValue(late));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/Dashboard")).StatusCode);
    }

    [Fact]
    public async Task OfTwoInstancesOnOneRedisOnlyOneAcceptsACodeAndTheOtherRefusesItAfterwards()
    {
        await using var pair = await RedisAppPair.StartAsync();
        var second = pair.AddInstance();
        var (email, twoFactor) = await TwoFactorForms.NewAccountAsync(pair.App, "replay");
        var code = Totp.Now(twoFactor.Key);
        using var onFirst = pair.App.CreateAppClient();
        using var onSecond = second.CreateAppClient();
        using var later = second.CreateAppClient();
        await TwoFactorForms.PasswordStepAsync(onFirst, email);
        await TwoFactorForms.PasswordStepAsync(onSecond, email);
        await TwoFactorForms.PasswordStepAsync(later, email);
        var tokens = await Task.WhenAll(onFirst.GetAntiforgeryTokenAsync(AppRoutes.LoginWith2fa), onSecond.GetAntiforgeryTokenAsync(AppRoutes.LoginWith2fa));

        // The same code at the same moment on both instances: one wins.
        var both = await Task.WhenAll(
            Post(onFirst, code, tokens[0]),
            Post(onSecond, code, tokens[1]));
        var afterwards = await TwoFactorForms.CodeStepAsync(later, code);

        Assert.Single(both, r => r.StatusCode == HttpStatusCode.Redirect && AppClient.SessionCookieValue(r) is not null);
        Assert.Single(both, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, afterwards.StatusCode);
        Assert.Contains(LoginWith2faModel.WrongCode, WebUtility.HtmlDecode(await AppClient.BodyAsync(afterwards)), StringComparison.Ordinal);

        static Task<HttpResponseMessage> Post(AppClient client, string code, string token) =>
            client.Http.PostAsync(AppRoutes.LoginWith2fa, new FormUrlEncodedContent(
                [new("Input.Code", code), new("__RequestVerificationToken", token)]));
    }
}
