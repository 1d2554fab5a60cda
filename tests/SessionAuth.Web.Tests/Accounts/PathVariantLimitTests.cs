using System.Diagnostics;
using System.Net;
using SessionAuth.Web.Tests.Hosting;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Accounts;

/// <summary>
/// The rate limit and the body cap belong to the password forms' endpoints, not to a path string:
/// every way of writing a path that routes to a form (trailing slash, dot segments, percent-encoding,
/// case) gets the form's limits. Sent over a raw socket to real Kestrel, so the path is exactly the
/// attacker's and the server, not the client, normalises it.
/// </summary>
public sealed class PathVariantLimitTests
{
    private const int Limit = 3;

    [Theory]
    [InlineData("/Account/Login")]
    [InlineData("/Account/Register")]
    [InlineData("/Account/ChangePassword")]
    public async Task EveryPathThatRoutesToAPasswordFormSharesItsRateLimit(string form)
    {
        await using var pair = await KestrelHost.StartAsync(LowLimit);
        var visitor = await FormVisitor.OpenAsync(pair.App, form);
        var allowed = new List<RawResponse>();
        for (var i = 0; i < Limit; i++)
        {
            allowed.Add(await visitor.PostAsync(form));
        }

        var refused = new Dictionary<string, RawResponse>();
        foreach (var variant in Variants(form))
        {
            refused[variant] = await visitor.PostAsync(variant);
        }

        Assert.All(allowed, r => Assert.Equal(200, r.Status));
        Assert.All(refused, pair =>
        {
            Assert.True(pair.Value.Status == 429, $"{pair.Key} answered {pair.Value.Status}, not 429");
            Assert.InRange(int.Parse(pair.Value.Header("Retry-After") ?? "0", System.Globalization.CultureInfo.InvariantCulture), 1, 60);
            Assert.Contains("Too many attempts", pair.Value.Body, StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData("/Account/Login")]
    [InlineData("/Account/Login/")]
    [InlineData("/Account/Login/.")]
    [InlineData("/Account/Login/x/..")]
    [InlineData("/%41ccount/Login/")]
    [InlineData("/account/login")]
    public async Task EachPathVariantReachesTheLoginFormAndIsLimitedThere(string variant)
    {
        await using var pair = await KestrelHost.StartAsync(LowLimit);
        var visitor = await FormVisitor.OpenAsync(pair.App, "/Account/Login");

        var responses = new List<RawResponse>();
        for (var i = 0; i <= Limit; i++)
        {
            responses.Add(await visitor.PostAsync(variant));
        }

        // The first answers are the login form's own "wrong password": the variant reached the page.
        Assert.All(responses.Take(Limit), r =>
        {
            Assert.Equal(200, r.Status);
            Assert.Contains("Invalid email or password", r.Body, StringComparison.Ordinal);
        });
        Assert.Equal(429, responses[Limit].Status);
        Assert.NotNull(responses[Limit].Header("Retry-After"));
    }

    private static Dictionary<string, string?> LowLimit => new()
    {
        ["AccountEndpoints:PermitLimit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["AccountEndpoints:Window"] = "00:01:00",
    };

    internal static IEnumerable<string> Variants(string form)
    {
        var name = form["/Account/".Length..];
        return
        [
            form,
            form + "/",
            form + "/.",
            form + "/x/..",
            "/%41ccount/" + name + "/",
            form.ToLowerInvariant(),
        ];
    }

    /// <summary>A browser's state on one form (cookies and its antiforgery token, signed in where the form needs it), posting over raw sockets.</summary>
    private sealed class FormVisitor(Uri server, string cookie, string body)
    {
        public static async Task<FormVisitor> OpenAsync(SessionAuthApplication app, string form)
        {
            var cookies = new CookieContainer();
            using var client = new AppClient(KestrelHost.Client(app, cookies));
            var body = form switch
            {
                "/Account/Register" => "Input.Email=someone%40example.com&Input.Password=one+password+here&Input.ConfirmPassword=another+one+there",
                "/Account/ChangePassword" => "Input.OldPassword=whatever&Input.NewPassword=one+password+here&Input.ConfirmPassword=another+one+there",
                _ => "Input.Email=someone%40example.com&Input.Password=a+wrong+password",
            };
            if (form == "/Account/ChangePassword")
            {
                // Register and sign in count on their own forms' limits, not on this one's.
                var email = Emails.Unique("variants");
                Assert.Equal(HttpStatusCode.Redirect, (await client.RegisterAsync(email)).StatusCode);
                Assert.Equal(HttpStatusCode.Redirect, (await client.LoginAsync(email)).StatusCode);
            }

            var token = await client.GetAntiforgeryTokenAsync(form);
            var address = client.Http.BaseAddress!;
            return new FormVisitor(address, cookies.GetCookieHeader(address),
                $"{body}&__RequestVerificationToken={Uri.EscapeDataString(token)}");
        }

        public Task<RawResponse> PostAsync(string target) => RawResponse.SendAsync(server, "POST", target, cookie, body);
    }
}

/// <summary>The body cap of the password forms, on every path that routes to them, and the server-wide cap elsewhere.</summary>
public sealed class BodyCapPathVariantTests(KestrelAppFixture fixture) : IClassFixture<KestrelAppFixture>
{
    public static TheoryData<string, string> FormsAndVariants()
    {
        var data = new TheoryData<string, string>();
        foreach (var form in new[] { "/Account/Login", "/Account/Register", "/Account/ChangePassword" })
        {
            foreach (var variant in PathVariantLimitTests.Variants(form))
            {
                data.Add(form, variant);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FormsAndVariants))]
    public async Task AnOversizedBodyToAnyPathOfAPasswordFormIs413BeforeItIsRead(string form, string variant)
    {
        _ = form;
        var server = fixture.Address;
        var chunk = "Input.Email=a%40b.c&Input.Password=" + new string('p', 16 * 1024);

        var timer = Stopwatch.StartNew();
        // Declares 20 MB and sends one small piece: a server that waited for the rest would time out.
        var declared = await RawResponse.SendAsync(server, "POST", variant, body: chunk, declaredLength: 20_000_000);
        var declaredTime = timer.Elapsed;
        var chunked = await RawResponse.SendAsync(server, "POST", variant, body: chunk, chunked: true, bodyRepeat: 64);

        Assert.Equal(413, declared.Status);
        Assert.True(declaredTime < TimeSpan.FromSeconds(5), $"The 413 took {declaredTime.TotalMilliseconds:0} ms");
        Assert.Contains("Too much data", declared.Body, StringComparison.Ordinal);
        Assert.Equal(413, chunked.Status);
        Assert.Contains("Too much data", chunked.Body, StringComparison.Ordinal);
        Assert.Empty(fixture.App.Logs.UnhandledExceptions);
    }

    [Fact]
    public async Task TwentyMegabytesPostedToAPageWithoutABodyLimitOfItsOwnAre413BeforeBeingRead()
    {
        var server = fixture.Address;

        var timer = Stopwatch.StartNew();
        var response = await RawResponse.SendAsync(server, "POST", "/", body: "a=" + new string('b', 1000), declaredLength: 20_000_000);

        Assert.Equal(413, response.Status);
        Assert.True(timer.Elapsed < TimeSpan.FromSeconds(5), $"The 413 took {timer.ElapsedMilliseconds} ms");
        Assert.Contains("Too much data", response.Body, StringComparison.Ordinal);
    }
}
