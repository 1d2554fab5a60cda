using System.Net;
using System.Text.RegularExpressions;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Pages.Account;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Pages;

/// <summary>
/// Authenticator-app two-factor through the pages, as a person does it: the key read off the setup page and codes
/// computed from it (<see cref="Totp"/>), notices over real SMTP. Runs again on PostgreSQL (TwoFactorFlowOnPostgresTests).
/// </summary>
public partial class TwoFactorFlowTests(MailFlowFixture fixture) : IClassFixture<MailFlowFixture>
{
    [Fact]
    public async Task ARightCodeFromTheShownKeyTurnsTwoFactorOnShowsTenRecoveryCodesAndEndsTheOtherSessions()
    {
        var email = Emails.Unique("enable");
        using var browser = fixture.App.CreateAppClient();
        await browser.RegisterAndLoginAsync(email);
        using var other = fixture.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await other.LoginAsync(email)).StatusCode);
        var setup = await AppClient.BodyAsync(await browser.GetAsync(AppRoutes.EnableAuthenticator));
        var key = await TwoFactorForms.ShownKeyAsync(browser);

        var wrong = await TwoFactorForms.PostEnableAsync(browser, Totp.Wrong(key));
        var right = await TwoFactorForms.PostEnableAsync(browser, Totp.Now(key));

        Assert.Contains("data-testid=\"authenticator-qr\"", setup, StringComparison.Ordinal);
        Assert.Matches(@"^[a-z2-7]{4}( [a-z2-7]{1,4})+$", key);
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains(EnableAuthenticatorModel.WrongCode, WebUtility.HtmlDecode(await AppClient.BodyAsync(wrong)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        var codes = TwoFactorForms.RecoveryCodes(await AppClient.BodyAsync(right));
        Assert.Equal(10, codes.Count);
        Assert.Equal(10, codes.Distinct().Count());
        // This browser carries on in a new session; the other one has ended.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/Dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await other.GetAsync("/Dashboard")).StatusCode);
        var status = await AppClient.BodyAsync(await browser.GetAsync(AppRoutes.TwoFactor));
        Assert.Contains("<span class=\"badge text-bg-success\">On</span>", status, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"recovery-codes-left\">10<", status, StringComparison.Ordinal);
        var user = await AccountsDb.UserAsync(fixture.App, email);
        Assert.Contains(ActivityKind.TwoFactorEnabled, await AccountsDb.ActivityKindsAsync(fixture.App, user.Id));
        await fixture.Smtp.WaitForMessagesAsync(1, m => TestSmtpServer.SentTo(m, email) && m.Subject == "Two-factor sign-in is on");
        // The recovery codes are stored hashed: none of them stands in the database as shown.
        var stored = string.Join("\n", await AccountsDb.UserTokenValuesAsync(fixture.App, user.Id));
        Assert.All(codes, c => Assert.DoesNotContain(c, stored, StringComparison.OrdinalIgnoreCase));
        Assert.True((await AccountsDb.FindUserByIdAsync(fixture.App, user.Id))!.TwoFactorEnabled);
    }

    [Fact]
    public async Task TheQrCodeIsAnSvgDrawnWithAttributesOnlySoTheStyleSrcSelfPolicyShowsIt()
    {
        using var browser = fixture.App.CreateAppClient();
        await browser.RegisterAndLoginAsync(Emails.Unique("qr"));

        var response = await browser.GetAsync(AppRoutes.EnableAuthenticator);
        var html = await AppClient.BodyAsync(response);

        var svg = SvgElement().Match(html);
        Assert.True(svg.Success, "No <svg> inside data-testid=\"authenticator-qr\".");
        Assert.DoesNotContain(" style=", svg.Value, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<style", svg.Value, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", svg.Value, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("fill=", svg.Value, StringComparison.Ordinal);
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("style-src 'self'", csp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARightPasswordLeadsToTheSecondStepKeepingTheReturnUrlWithNoSessionUntilTheCode()
    {
        var (email, twoFactor) = await TwoFactorForms.NewAccountAsync(fixture.App);
        using var browser = fixture.App.CreateAppClient();

        var password = await browser.LoginAsync(email, returnUrl: SessionsPage.Path);
        var dashboardMeanwhile = await browser.GetAsync("/Dashboard");
        var code = await TwoFactorForms.CodeStepAsync(browser, Totp.Now(twoFactor.Key), SessionsPage.Path);

        Assert.Equal(HttpStatusCode.Redirect, password.StatusCode);
        Assert.Equal($"{AppRoutes.LoginWith2fa}?ReturnUrl={Uri.EscapeDataString(SessionsPage.Path)}", password.Headers.Location?.OriginalString);
        Assert.Null(AppClient.SessionCookieValue(password));
        Assert.NotNull(AppClient.SetCookie(password, TwoFactorForms.StepCookieName));
        Assert.Equal(HttpStatusCode.Redirect, dashboardMeanwhile.StatusCode);
        Assert.StartsWith(AppRoutes.Login, dashboardMeanwhile.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, code.StatusCode);
        Assert.Equal(SessionsPage.Path, code.Headers.Location?.OriginalString);
        Assert.NotNull(AppClient.SessionCookieValue(code));
        var sessions = WebUtility.HtmlDecode(await SessionsPage.HtmlAsync(browser));
        Assert.Contains("Password + authenticator app", sessions, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACodeWorksOnceAndASecondSignInWithItIsRefused()
    {
        var (email, twoFactor) = await TwoFactorForms.NewAccountAsync(fixture.App);
        var code = Totp.Now(twoFactor.Key);
        using var first = fixture.App.CreateAppClient();
        using var second = fixture.App.CreateAppClient();

        var used = await TwoFactorForms.SignInAsync(first, email, code);
        var reused = await TwoFactorForms.SignInAsync(second, email, code);
        var fresh = await TwoFactorForms.CodeStepAsync(second, Totp.Now(twoFactor.Key, +1));

        Assert.Equal(HttpStatusCode.Redirect, used.StatusCode);
        Assert.Equal(HttpStatusCode.OK, reused.StatusCode);
        Assert.Null(AppClient.SessionCookieValue(reused));
        Assert.Contains(LoginWith2faModel.WrongCode, WebUtility.HtmlDecode(await AppClient.BodyAsync(reused)), StringComparison.Ordinal);
        // The refusal cost the step nothing but a failed attempt: the next code still completes it.
        Assert.Equal(HttpStatusCode.Redirect, fresh.StatusCode);
        Assert.NotNull(AppClient.SessionCookieValue(fresh));
    }

    [Fact]
    public async Task ARecoveryCodeSignsInOnceAndItsUseIsRecordedAndMailed()
    {
        var (email, twoFactor) = await TwoFactorForms.NewAccountAsync(fixture.App, "recovery");
        var recovery = twoFactor.RecoveryCodes[3];
        using var first = fixture.App.CreateAppClient();
        using var second = fixture.App.CreateAppClient();

        await TwoFactorForms.PasswordStepAsync(first, email);
        var used = await TwoFactorForms.RecoveryStepAsync(first, recovery.ToLowerInvariant());
        await TwoFactorForms.PasswordStepAsync(second, email);
        var again = await TwoFactorForms.RecoveryStepAsync(second, recovery);

        Assert.Equal(HttpStatusCode.Redirect, used.StatusCode);
        Assert.NotNull(AppClient.SessionCookieValue(used));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Null(AppClient.SessionCookieValue(again));
        Assert.Contains(LoginWithRecoveryCodeModel.WrongCode, WebUtility.HtmlDecode(await AppClient.BodyAsync(again)), StringComparison.Ordinal);
        Assert.Contains("Password + recovery code", WebUtility.HtmlDecode(await SessionsPage.HtmlAsync(first)), StringComparison.Ordinal);
        Assert.Contains("data-testid=\"recovery-codes-left\">9<", await AppClient.BodyAsync(await first.GetAsync(AppRoutes.TwoFactor)), StringComparison.Ordinal);
        var user = await AccountsDb.UserAsync(fixture.App, email);
        Assert.Contains(ActivityKind.RecoveryCodeUsed, await AccountsDb.ActivityKindsAsync(fixture.App, user.Id));
        var notice = await fixture.Smtp.WaitForMessagesAsync(1, m => TestSmtpServer.SentTo(m, email) && m.Subject == "A recovery code was used");
        Assert.Contains("9 codes left", notice[0].TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(recovery, notice[0].TextBody, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task NewRecoveryCodesNeedThePasswordAndTheOldOnesStopWorking()
    {
        var (email, twoFactor) = await TwoFactorForms.NewAccountAsync(fixture.App, "regen");
        using var browser = fixture.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await TwoFactorForms.SignInAsync(browser, email, Totp.Now(twoFactor.Key))).StatusCode);

        var wrong = await browser.SubmitAsync(AppRoutes.GenerateRecoveryCodes, [new("Input.Password", "not the password at all")]);
        var right = await browser.SubmitAsync(AppRoutes.GenerateRecoveryCodes, [new("Input.Password", AppClient.Password)]);
        var fresh = TwoFactorForms.RecoveryCodes(await AppClient.BodyAsync(right));
        using var withOld = fixture.App.CreateAppClient();
        await TwoFactorForms.PasswordStepAsync(withOld, email);
        var old = await TwoFactorForms.RecoveryStepAsync(withOld, twoFactor.RecoveryCodes[0]);
        var @new = await TwoFactorForms.RecoveryStepAsync(withOld, fresh[0]);

        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        var wrongHtml = WebUtility.HtmlDecode(await AppClient.BodyAsync(wrong));
        Assert.Contains(TwoFactorChanges.WrongPassword, wrongHtml, StringComparison.Ordinal);
        Assert.Empty(TwoFactorForms.RecoveryCodes(wrongHtml));
        Assert.Equal(10, fresh.Count);
        Assert.Empty(fresh.Intersect(twoFactor.RecoveryCodes));
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, @new.StatusCode);
        var user = await AccountsDb.UserAsync(fixture.App, email);
        Assert.Contains(ActivityKind.RecoveryCodesRegenerated, await AccountsDb.ActivityKindsAsync(fixture.App, user.Id));
        await fixture.Smtp.WaitForMessagesAsync(1, m => TestSmtpServer.SentTo(m, email) && m.Subject == "New recovery codes");
    }

    [Fact]
    public async Task TurningTwoFactorOffNeedsThePasswordThenAPasswordAloneSignsIn()
    {
        var (email, twoFactor) = await TwoFactorForms.NewAccountAsync(fixture.App, "disable");
        using var browser = fixture.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await TwoFactorForms.SignInAsync(browser, email, Totp.Now(twoFactor.Key))).StatusCode);

        var wrong = await browser.SubmitAsync(AppRoutes.DisableTwoFactor, [new("Input.Password", "not the password at all")]);
        var stillOn = await AppClient.BodyAsync(await browser.GetAsync(AppRoutes.TwoFactor));
        var right = await browser.SubmitAsync(AppRoutes.DisableTwoFactor, [new("Input.Password", AppClient.Password)]);
        using var later = fixture.App.CreateAppClient();
        var passwordAlone = await later.LoginAsync(email);

        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains(TwoFactorChanges.WrongPassword, WebUtility.HtmlDecode(await AppClient.BodyAsync(wrong)), StringComparison.Ordinal);
        Assert.Contains("<span class=\"badge text-bg-success\">On</span>", stillOn, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal($"{AppRoutes.TwoFactor}?Notice=disabled", right.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, passwordAlone.StatusCode);
        Assert.Equal("/Dashboard", passwordAlone.Headers.Location?.OriginalString);
        Assert.NotNull(AppClient.SessionCookieValue(passwordAlone));
        var stored = await AccountsDb.FindUserByIdAsync(fixture.App, (await AccountsDb.UserAsync(fixture.App, email)).Id);
        Assert.False(stored!.TwoFactorEnabled);
        await fixture.Smtp.WaitForMessagesAsync(1, m => TestSmtpServer.SentTo(m, email) && m.Subject == "Two-factor sign-in is off");
    }

    [GeneratedRegex("data-testid=\"authenticator-qr\"[^>]*>\\s*(<svg.*?</svg>)", RegexOptions.Singleline)]
    private static partial Regex SvgElement();
}

/// <summary>The same flow with the accounts in PostgreSQL.</summary>
public sealed class TwoFactorFlowOnPostgresTests(PostgresMailFlowFixture fixture) : TwoFactorFlowTests(fixture), IClassFixture<PostgresMailFlowFixture>;
