using System.Diagnostics;
using System.Net;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Tokens;

/// <summary>
/// The token endpoint takes the same time for an unknown email, a wrong password and a locked account,
/// and the same time as the login form: both run the one credential check with its decoy hashing. Runs
/// alone, the kinds interleaved, so machine noise falls on all of them alike. The bound is 25 %: a
/// missing decoy check is a systematic gap of over 90 % (a few ms against a PBKDF2 check), while a
/// 2-core machine shared with other builds moves single medians by 15 % or more.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class TokenTimingParityTests
{
    private const int Attempts = 15;

    [Fact]
    public async Task UnknownEmailWrongPasswordAndLockedAccountTakeTheSameTimeAsEachOtherAndAsTheForm()
    {
        await using var pair = await RedisAppPair.StartAsync();
        using var form = pair.App.CreateAppClient();
        var api = pair.App.CreateApiClient();
        // Wrong passwords spread over accounts that stay below the lockout threshold.
        var guessed = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            guessed.Add(Emails.Unique($"guessed{i}"));
            await form.RegisterAsync(guessed[^1]);
        }

        var locked = Emails.Unique("locked");
        await form.RegisterAsync(locked);
        for (var i = 0; i < 5; i++)
        {
            await api.RequestTokenAsync(locked, "wrong password to lock it");
        }

        var antiforgery = await form.GetAntiforgeryTokenAsync("/Account/Login");
        await TimeApiAsync(api, Emails.Unique("warm"), "warm up the path");
        await TimeFormAsync(form, antiforgery, Emails.Unique("warm"));

        var trials = new List<string>();
        for (var trial = 0; trial < 3; trial++)
        {
            var unknown = new List<double>();
            var wrong = new List<double>();
            var lockedOut = new List<double>();
            var viaForm = new List<double>();
            for (var i = 0; i < Attempts; i++)
            {
                unknown.Add(await TimeApiAsync(api, Emails.Unique("nobody"), "some wrong password"));
                // Each guessed account takes at most 3 trials x 15 / 12 ≤ 4 wrong passwords: never locked.
                wrong.Add(await TimeApiAsync(api, guessed[(trial * Attempts + i) % guessed.Count], "some wrong password"));
                lockedOut.Add(await TimeApiAsync(api, locked, AppClient.Password));
                viaForm.Add(await TimeFormAsync(form, antiforgery, Emails.Unique("form")));
            }

            var api3 = new[] { Median(unknown), Median(wrong), Median(lockedOut) };
            var spread = (api3.Max() - api3.Min()) / api3.Min();
            var formRatio = Median(wrong) / Median(viaForm);
            trials.Add($"{spread:P1}: unknown {api3[0]:0.0} ms, wrong {api3[1]:0.0} ms, locked {api3[2]:0.0} ms; form {Median(viaForm):0.0} ms");
            if (spread < 0.25 && formRatio is > 0.75 and < 1.33)
            {
                return;
            }
        }

        Assert.Fail($"The API's medians differ by 25 % or more, or from the form's by a third, in every trial:\n{string.Join('\n', trials)}");
    }

    private static async Task<double> TimeApiAsync(HttpClient api, string email, string password)
    {
        var timer = Stopwatch.StartNew();
        var response = await api.RequestTokenAsync(email, password);
        await response.Content.ReadAsStringAsync();
        timer.Stop();
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        return timer.Elapsed.TotalMilliseconds;
    }

    private static async Task<double> TimeFormAsync(AppClient form, string antiforgery, string email)
    {
        var timer = Stopwatch.StartNew();
        var response = await form.Http.PostAsync("/Account/Login", new FormUrlEncodedContent(
            [new("Input.Email", email), new("Input.Password", "some wrong password"), new("__RequestVerificationToken", antiforgery)]));
        await response.Content.ReadAsStringAsync();
        timer.Stop();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return timer.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
