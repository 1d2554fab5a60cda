using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Accounts.Passkeys;
using SessionAuth.Web.Email;

namespace SessionAuth.Web.Tests.Accounts.Passkeys;

/// <summary>Whose passkeys these are: App:PublicUrl's host and origin when set, else the request's own.</summary>
public sealed class PasskeyRelyingPartyTests
{
    [Theory]
    [InlineData("https://auth.example.com", true)]
    [InlineData("https://AUTH.example.com", true)]
    [InlineData("http://auth.example.com", false)]
    [InlineData("https://auth.example.com:8443", false)]
    [InlineData("https://evil.example", false)]
    [InlineData("https://sub.auth.example.com", false)]
    [InlineData("null", false)]
    [InlineData("", false)]
    public async Task WithAPublicUrlOnlyItsOriginIsAcceptedWhateverTheRequestSays(string origin, bool accepted)
    {
        var options = Configure("https://auth.example.com/");

        var result = await options.ValidateOrigin!(Context(origin, requestScheme: "http", requestHost: "10.0.0.5:8080"));

        Assert.Equal("auth.example.com", options.ServerDomain);
        Assert.Equal(accepted, result);
    }

    [Theory]
    [InlineData("http://localhost:5024", true)]
    [InlineData("https://localhost:5024", false)]
    [InlineData("http://localhost:5025", false)]
    [InlineData("http://127.0.0.1:5024", false)]
    public async Task WithoutOneTheRequestsOwnOriginIsTheOnlyOneAccepted(string origin, bool accepted)
    {
        var options = Configure(publicUrl: null);

        var result = await options.ValidateOrigin!(Context(origin, requestScheme: "http", requestHost: "localhost:5024"));

        Assert.Null(options.ServerDomain);
        Assert.Equal(accepted, result);
    }

    [Fact]
    public async Task AnAnswerFromAFrameOfAnotherSiteIsRefused()
    {
        var options = Configure(publicUrl: null);

        var context = Context("http://localhost:5024", "http", "localhost:5024");
        var framed = new PasskeyOriginValidationContext { HttpContext = context.HttpContext, Origin = context.Origin, CrossOrigin = true, TopOrigin = "https://evil.example" };

        Assert.False(await options.ValidateOrigin!(framed));
    }

    [Fact]
    public void CredentialsAreDiscoverableAndVerifiedAndTheTimeoutIsTheSetting()
    {
        var options = Configure(publicUrl: null, timeout: TimeSpan.FromSeconds(90));

        Assert.Equal("required", options.ResidentKeyRequirement);
        Assert.Equal("required", options.UserVerificationRequirement);
        Assert.Equal(TimeSpan.FromSeconds(90), options.AuthenticatorTimeout);
    }

    private static IdentityPasskeyOptions Configure(string? publicUrl, TimeSpan? timeout = null)
    {
        var options = new IdentityPasskeyOptions();
        new PasskeyRelyingParty(
            Options.Create(new AppOptions { PublicUrl = publicUrl }),
            Options.Create(new PasskeysOptions { Timeout = timeout ?? TimeSpan.FromMinutes(5) })).Configure(options);
        return options;
    }

    private static PasskeyOriginValidationContext Context(string origin, string requestScheme, string requestHost)
    {
        var http = new DefaultHttpContext();
        http.Request.Scheme = requestScheme;
        http.Request.Host = new HostString(requestHost);
        return new PasskeyOriginValidationContext { HttpContext = http, Origin = origin, CrossOrigin = false };
    }
}
