using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Hosting;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Pages;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Accounts;

/// <summary>
/// The password forms' limits are endpoint metadata added by the Razor Pages convention in
/// <c>AccountEndpointProtection</c>. The body cap of a form and the server-wide cap are the same
/// setting, so a 413 alone cannot tell whether the form's own limit is there: these tests read the
/// endpoints the app routes to, and post what only the form limits refuse (too many fields in a
/// small body), with a cap lowered to 4 KB so the configured value, not a default, is what is seen.
/// </summary>
public sealed class AccountEndpointMetadataTests(AccountEndpointMetadataTests.SmallCapFixture fixture)
    : IClassFixture<AccountEndpointMetadataTests.SmallCapFixture>
{
    private const long Cap = 4096;

    public static TheoryData<string> PasswordForms() => new()
    {
        AppRoutes.Login, AppRoutes.Register, AppRoutes.ChangePassword, AppRoutes.DeleteAccount, AppRoutes.ResetPassword,
        AppRoutes.ChangeEmail, AppRoutes.ForgotPassword, AppRoutes.ResendConfirmation, AppRoutes.ConfirmEmail, AppRoutes.ConfirmEmailChange,
    };

    public static TheoryData<string> OtherPages() => new() { AppRoutes.Index, AppRoutes.Dashboard, AppRoutes.Logout, AppRoutes.Error };

    [Theory]
    [MemberData(nameof(PasswordForms))]
    public void EveryEndpointOfAPasswordFormCarriesTheRateLimitPolicyAndTheConfiguredBodyAndFormLimits(string page)
    {
        var endpoints = EndpointsOf(page);

        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, endpoint =>
        {
            Assert.Equal(AccountEndpointOptions.RateLimitPolicy, endpoint.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName);
            Assert.Equal(Cap, endpoint.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize);
            var form = endpoint.Metadata.GetMetadata<IFormOptionsMetadata>();
            Assert.NotNull(form);
            Assert.Equal(Cap, form.MultipartBodyLengthLimit);
            Assert.Equal((int)Cap, form.ValueLengthLimit);
            Assert.Equal(100, form.ValueCountLimit);
        });
    }

    [Theory]
    [MemberData(nameof(OtherPages))]
    public void PagesThatTakeNoPasswordAreNotRateLimited(string page)
    {
        var endpoints = EndpointsOf(page);

        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, endpoint => Assert.Null(endpoint.Metadata.GetMetadata<EnableRateLimitingAttribute>()));
    }

    [Theory]
    [InlineData(AppRoutes.Login, "/Account/Login")]
    [InlineData(AppRoutes.Login, "/Account/Login/")]
    [InlineData(AppRoutes.Login, "/account/LOGIN")]
    [InlineData(AppRoutes.Register, "/Account/Register/")]
    [InlineData(AppRoutes.ChangePassword, "/Account/ChangePassword/")]
    public async Task ASixKilobyteFormIsOverTheConfiguredCapAndIs413(string form, string path)
    {
        using var client = fixture.App.CreateAppClient();
        if (form == AppRoutes.ChangePassword)
        {
            await client.RegisterAndLoginAsync(Emails.Unique("cap"));
        }

        var token = await client.GetAntiforgeryTokenAsync(form);

        var response = await client.Http.PostAsync(path, Form(token, 6 * 1024));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Too much data", await AppClient.BodyAsync(response), StringComparison.Ordinal);
        Assert.Empty(fixture.App.Logs.UnhandledExceptions);
    }

    [Theory]
    [InlineData("/Account/Login")]
    [InlineData("/Account/Login/")]
    public async Task AFormJustUnderTheConfiguredCapReachesTheSignInPage(string path)
    {
        using var client = fixture.App.CreateAppClient();
        var token = await client.GetAntiforgeryTokenAsync(AppRoutes.Login);

        var response = await client.Http.PostAsync(path, Form(token, 3 * 1024));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Invalid email or password", await AppClient.BodyAsync(response), StringComparison.Ordinal);
    }

    /// <summary>
    /// 150 fields in under 2 KB: within the body cap and within the framework's default of 1024 form
    /// values, so only the form's own <c>RequestFormLimits</c> (100 values) refuses it.
    /// </summary>
    [Theory]
    [InlineData("/Account/Login")]
    [InlineData("/Account/Login/")]
    [InlineData("/%41ccount/login")]
    public async Task AFormWithMoreFieldsThanTheFormLimitIsRefusedWithoutASignInAttempt(string path)
    {
        var email = Emails.Unique("fields");
        using var client = fixture.App.CreateAppClient();
        Assert.Equal(HttpStatusCode.Redirect, (await client.RegisterAsync(email)).StatusCode);
        var token = await client.GetAntiforgeryTokenAsync(AppRoutes.Login);
        var body = new StringBuilder($"Input.Email={Uri.EscapeDataString(email)}&Input.Password=wrong+password+here");
        for (var i = 0; i < 150; i++)
        {
            body.Append(CultureInfo.InvariantCulture, $"&f{i}=");
        }

        body.Append(CultureInfo.InvariantCulture, $"&__RequestVerificationToken={Uri.EscapeDataString(token)}");
        Assert.InRange(body.Length, 1, (int)Cap);

        var response = await client.Http.PostAsync(path, new StringContent(body.ToString(), Encoding.ASCII, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("Invalid email or password", await AppClient.BodyAsync(response), StringComparison.Ordinal);
        // The wrong password never reached Identity: no failed attempt was counted.
        Assert.Equal(0, (await AccountsDb.UserAsync(fixture.App, email)).AccessFailedCount);
        Assert.Empty(fixture.App.Logs.UnhandledExceptions);
    }

    private List<Endpoint> EndpointsOf(string page) =>
        fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>()?.ViewEnginePath == page)
            .ToList();

    private static FormUrlEncodedContent Form(string token, int size) => new(
    [
        new("Input.Email", "someone@example.com"),
        new("Input.Password", "a wrong password"),
        new("Input.Padding", new string('p', size)),
        new("__RequestVerificationToken", token),
    ]);

    /// <summary>The app with <c>AccountEndpoints:MaxRequestBytes</c> at 4 KB, on its own redis-server.</summary>
    public sealed class SmallCapFixture : IAsyncLifetime
    {
        private RedisAppPair _pair = null!;

        public SessionAuthApplication App => _pair.App;

        public async Task InitializeAsync() => _pair = await RedisAppPair.StartAsync(new Dictionary<string, string?>
        {
            ["AccountEndpoints:MaxRequestBytes"] = Cap.ToString(CultureInfo.InvariantCulture),
        });

        public async Task DisposeAsync() => await _pair.DisposeAsync();
    }
}
