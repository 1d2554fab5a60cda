using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Accounts;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>The operators' console as a browser reads it: the user list's rows, the user page's forms.</summary>
internal static partial class AdminConsole
{
    public const string UsersPath = "/Admin/Users";

    public static string UserPath(string userId) => $"/Admin/User/{Uri.EscapeDataString(userId)}";

    /// <summary>The settings that make <paramref name="email"/> an operator.</summary>
    public static Dictionary<string, string?> OperatorSettings(string email, Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>(more ?? []) { ["Admin:Emails:0"] = email };
        return settings;
    }

    /// <summary>
    /// Registers a listed address, confirms it (arranged through Identity: the role needs a confirmed address) and
    /// signs in; returns the session cookie.
    /// </summary>
    public static async Task<string> RegisterOperatorAsync(SessionAuthApplication app, AppClient client, string email)
    {
        Assert.Equal(HttpStatusCode.Redirect, (await client.RegisterAsync(email)).StatusCode);
        await ConfirmAddressAsync(app, email);
        var login = await client.LoginAsync(email);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return AppClient.SessionCookieValue(login) ?? throw new InvalidOperationException("Login set no session cookie.");
    }

    /// <summary>Confirms the account's address as its confirmation link would.</summary>
    public static async Task ConfirmAddressAsync(SessionAuthApplication app, string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"No account for {email}.");
        var confirmed = await users.ConfirmEmailAsync(user, await users.GenerateEmailConfirmationTokenAsync(user));
        Assert.True(confirmed.Succeeded, string.Join(" ", confirmed.Errors.Select(e => e.Description)));
    }

    public static IReadOnlyList<string> UserRows(string html) => [.. UserRow().Matches(html).Select(m => m.Value)];

    /// <summary>The action of the page's form with this data-testid, or null when the page has none.</summary>
    public static string? FormAction(string html, string testId) =>
        FormTag().Matches(html).FirstOrDefault(m => m.Groups["id"].Value == testId) is { } match
            ? WebUtility.HtmlDecode(match.Groups["action"].Value)
            : null;

    /// <summary>Opens the user's page and submits its form with this data-testid, token and all, as a click would.</summary>
    public static async Task<HttpResponseMessage> SubmitAsync(AppClient client, string userId, string testId)
    {
        var page = await client.GetAsync(UserPath(userId));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var action = FormAction(await AppClient.BodyAsync(page), testId);
        Assert.True(action is not null, $"The user page has no form {testId}.");
        return await client.SubmitAsync(UserPath(userId), [], postPath: action);
    }

    /// <summary>Submits the form and follows the redirect back to the user's page; returns that page.</summary>
    public static async Task<string> SubmitAndFollowAsync(AppClient client, string userId, string testId)
    {
        var response = await SubmitAsync(client, userId, testId);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith(UserPath(userId), location, StringComparison.Ordinal);
        var page = await client.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        return await AppClient.BodyAsync(page);
    }

    public static string? Confirmation(string html) =>
        ConfirmationLine().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    /// <summary>Accounts made straight through Identity, without a password (no hashing): for lists of many users.</summary>
    public static async Task<IReadOnlyList<string>> CreateUsersAsync(SessionAuthApplication app, IEnumerable<string> emails, Action<ApplicationUser>? shape = null)
    {
        var ids = new List<string>();
        foreach (var email in emails)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = new ApplicationUser { UserName = email, Email = email };
            shape?.Invoke(user);
            var created = await users.CreateAsync(user);
            Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
            ids.Add(user.Id);
        }

        return ids;
    }

    [GeneratedRegex("<tr data-testid=\"user-row\".*?</tr>", RegexOptions.Singleline)]
    private static partial Regex UserRow();

    [GeneratedRegex("<form method=\"post\" action=\"(?<action>[^\"]*)\" data-testid=\"(?<id>[a-z-]+)\">")]
    private static partial Regex FormTag();

    [GeneratedRegex("data-testid=\"admin-(?:confirmation|problem)\">([^<]*)<")]
    private static partial Regex ConfirmationLine();
}
