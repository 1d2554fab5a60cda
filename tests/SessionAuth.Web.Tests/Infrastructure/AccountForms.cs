namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>Account forms posted the way a person submits them (antiforgery token read from the page).</summary>
internal static class AccountForms
{
    public static Task<HttpResponseMessage> ChangePasswordAsync(AppClient client, string current, string next) =>
        client.SubmitAsync("/Account/ChangePassword",
            [new("Input.OldPassword", current), new("Input.NewPassword", next), new("Input.ConfirmPassword", next)]);
}
