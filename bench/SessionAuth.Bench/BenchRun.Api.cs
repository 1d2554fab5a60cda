using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SessionAuth.Bench.Hosting;

namespace SessionAuth.Bench;

/// <summary>
/// The token flow's per-request cost: GET /api/me with a bearer token, once validated from
/// the token alone (the server-session app, Tokens:CheckRevocation=false, the default) and once with
/// the grant looked up on each request (one more app, Tokens:CheckRevocation=true).
/// </summary>
internal sealed partial class BenchRun
{
    public const string ApiMePath = "/api/me";
    public const string TokenPath = "/api/auth/token";
    public const string BearerHeader = "Authorization";
    public const string ApiKey = "api";
    public const string ApiRevocationKey = "api-revocation";

    /// <summary>
    /// Signs in each email through POST /api/auth/token on both apps and writes the bearer headers
    /// for wrk; checks that each token shows its user on /api/me.
    /// </summary>
    private async Task<List<Slot>> StartApiSlotsAsync(
        AppProcess stateless, AppProcess revocation, RedisProcess redis, List<string> emails, CancellationToken cancellationToken)
    {
        var slots = new List<Slot>();
        foreach (var (key, label, app) in new[]
        {
            (ApiKey, "Bearer token, stateless validation (Tokens:CheckRevocation=false)", stateless),
            (ApiRevocationKey, "Bearer token, grant looked up (Tokens:CheckRevocation=true)", revocation),
        })
        {
            var headers = new string[emails.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, emails.Count), Parallelism(4, cancellationToken), async (i, ct) =>
                headers[i] = "Bearer " + await RequestAccessTokenAsync(app, emails[i], ct));
            var file = Path.Combine(_work, $"bearer-{key}.txt");
            await File.WriteAllLinesAsync(file, headers, cancellationToken);
            var slot = new Slot(key, label, app, redis, file, BearerHeader);
            await ExpectApiAsync(slot, emails, cancellationToken);
            slots.Add(slot);
        }

        return slots;
    }

    private async Task<string> RequestAccessTokenAsync(AppProcess app, string email, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync(new Uri(app.BaseUrl + TokenPath), new { email, password = _password }, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new BenchException($"{app.Name}: POST {TokenPath} for {email} answered {(int)response.StatusCode}, not 200: {body}");
        }

        using var json = JsonDocument.Parse(body);
        return json.RootElement.TryGetProperty("access_token", out var token) && token.GetString() is { Length: > 0 } value
            ? value
            : throw new BenchException($"{app.Name}: POST {TokenPath} for {email} gave no access_token: {body}");
    }

    /// <summary>GET /api/me answers 200 with the signed-in user's email for each bearer token of the slot.</summary>
    private async Task ExpectApiAsync(Slot slot, List<string> emails, CancellationToken cancellationToken)
    {
        var headers = File.ReadAllLines(slot.CookieFile);
        for (var i = 0; i < emails.Count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(slot.App.BaseUrl + ApiMePath));
            request.Headers.TryAddWithoutValidation(BearerHeader, headers[i]);
            using var response = await _http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK || !body.Contains($"\"{emails[i]}\"", StringComparison.Ordinal))
            {
                throw new BenchException($"{slot.App.Name}: {ApiMePath} with {emails[i]}'s bearer token answered {(int)response.StatusCode}, not 200 with the user's email.");
            }
        }
    }
}
