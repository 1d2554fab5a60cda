using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>Many browsers registering one email at the same moment, as a race to the unique index.</summary>
internal static class RegistrationRace
{
    /// <summary>
    /// Every client first holds its own antiforgery token, then all post the registration of
    /// <paramref name="email"/> at once; the answers come back in the clients' order.
    /// </summary>
    public static async Task<HttpResponseMessage[]> RegisterAtOnceAsync(IReadOnlyList<AppClient> clients, string email)
    {
        var tokens = await Task.WhenAll(clients.Select(c => c.GetAntiforgeryTokenAsync("/Account/Register")));
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var posts = clients.Select((client, i) => Task.Run(async () =>
        {
            await start.Task;
            return await client.Http.PostAsync("/Account/Register", new FormUrlEncodedContent(
            [
                new("Input.Email", email), new("Input.Password", AppClient.Password),
                new("Input.ConfirmPassword", AppClient.Password), new("__RequestVerificationToken", tokens[i]),
            ]));
        })).ToList();

        start.SetResult();
        return await Task.WhenAll(posts);
    }
}
