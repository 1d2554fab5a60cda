using System.Net;
using System.Text.RegularExpressions;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>The two-factor pages as a person uses them: the key read off the setup page, codes from <see cref="Totp"/>.</summary>
internal static partial class TwoFactorForms
{
    /// <summary>The pending second step's cookie (Sessions:SecureCookies is on in the tests).</summary>
    public const string StepCookieName = "__Host-signin-step";

    public sealed record Enabled(string Key, IReadOnlyList<string> RecoveryCodes);

    /// <summary>The key as <c>data-testid="authenticator-key"</c> shows it (grouped, lower case).</summary>
    public static async Task<string> ShownKeyAsync(AppClient client)
    {
        var page = await client.GetAsync(AppRoutes.EnableAuthenticator);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var match = KeyElement().Match(await AppClient.BodyAsync(page));
        Assert.True(match.Success, "The setup page shows no authenticator key.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    public static Task<HttpResponseMessage> PostEnableAsync(AppClient client, string code) =>
        client.SubmitAsync(AppRoutes.EnableAuthenticator, [new("Input.Code", code)]);

    /// <summary>Turns two-factor on for the signed-in <paramref name="client"/> with a code one step old (so "now" stays unused).</summary>
    public static async Task<Enabled> EnableAsync(AppClient client)
    {
        var key = await ShownKeyAsync(client);
        var response = await PostEnableAsync(client, Totp.Now(key, -1));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var codes = RecoveryCodes(await AppClient.BodyAsync(response));
        Assert.Equal(10, codes.Count);
        return new Enabled(key, codes);
    }

    /// <summary>A new account with two-factor on, signed out again: its email, key and recovery codes.</summary>
    public static async Task<(string Email, Enabled TwoFactor)> NewAccountAsync(SessionAuthApplication app, string name = "2fa")
    {
        using var client = app.CreateAppClient();
        var email = Emails.Unique(name);
        await client.RegisterAndLoginAsync(email);
        var enabled = await EnableAsync(client);
        Assert.Equal(HttpStatusCode.Redirect, (await client.LogoutAsync()).StatusCode);
        return (email, enabled);
    }

    public static IReadOnlyList<string> RecoveryCodes(string html) =>
        [.. RecoveryCodeElement().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value))];

    public static string SecondStepPath(string route, string? returnUrl) =>
        returnUrl is null ? route : $"{route}?ReturnUrl={Uri.EscapeDataString(returnUrl)}";

    /// <summary>The right password; asserts the answer is the redirect to the second step and returns it.</summary>
    public static async Task<HttpResponseMessage> PasswordStepAsync(AppClient client, string email, string? returnUrl = null)
    {
        var response = await client.LoginAsync(email, returnUrl: returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(AppRoutes.LoginWith2fa, response.Headers.Location?.OriginalString, StringComparison.Ordinal);
        return response;
    }

    public static Task<HttpResponseMessage> CodeStepAsync(AppClient client, string code, string? returnUrl = null) =>
        client.SubmitAsync(SecondStepPath(AppRoutes.LoginWith2fa, returnUrl), [new("Input.Code", code)]);

    public static Task<HttpResponseMessage> RecoveryStepAsync(AppClient client, string recoveryCode, string? returnUrl = null) =>
        client.SubmitAsync(SecondStepPath(AppRoutes.LoginWithRecoveryCode, returnUrl), [new("Input.RecoveryCode", recoveryCode)]);

    /// <summary>Password, then the code: the whole sign-in of a two-factor account.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(AppClient client, string email, string code, string? returnUrl = null)
    {
        await PasswordStepAsync(client, email, returnUrl);
        return await CodeStepAsync(client, code, returnUrl);
    }

    [GeneratedRegex("data-testid=\"authenticator-key\">([^<]+)<")]
    private static partial Regex KeyElement();

    [GeneratedRegex("data-testid=\"recovery-code\">([^<]+)<")]
    private static partial Regex RecoveryCodeElement();
}
