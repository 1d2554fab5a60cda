using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Email;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Email;

/// <summary>Links in mail start with App:PublicUrl (or the app's own address), never with what a request claims its host is.</summary>
public sealed class PublicLinksTests
{
    private const string LinkPath = "/test/mail-link";

    [Fact]
    public async Task AForgedHostAndXForwardedHostNeverReachALink()
    {
        await using var app = new SessionAuthApplication(null,
            new Dictionary<string, string?> { ["App:PublicUrl"] = "https://sa.test/auth", ["Hosting:TrustedProxies:0"] = "127.0.0.1" },
            configureServices: MapLinkEndpoint);
        using var client = app.CreateAppClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, LinkPath);
        request.Headers.Host = "evil.example";
        request.Headers.Add("X-Forwarded-Host", "evil.example");
        request.Headers.Add("X-Forwarded-Proto", "http");

        var response = await client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("https://sa.test/auth/Account/ResetPassword?code=a%2Bb%2Fc%3D&email=x@sa.test", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WithoutAPublicUrlLinksUseTheListeningAddressNotTheRequestsHost()
    {
        await using var pair = await RedisAppPair.StartAsync(
            new Dictionary<string, string?> { ["Sessions:SecureCookies"] = "false", ["Sessions:CookieName"] = "session" },
            MapLinkEndpoint, kestrel: true);
        var address = KestrelHost.Address(pair.App);
        using var client = new HttpClient { BaseAddress = address };
        using var request = new HttpRequestMessage(HttpMethod.Get, LinkPath);
        request.Headers.Host = "evil.example";
        request.Headers.Add("X-Forwarded-Host", "evil.example");

        var link = new Uri(await (await client.SendAsync(request)).Content.ReadAsStringAsync());

        Assert.Equal(address.GetLeftPart(UriPartial.Authority), link.GetLeftPart(UriPartial.Authority));
        Assert.Equal("/Account/ResetPassword", link.AbsolutePath);
    }

    [Theory]
    [InlineData("//evil.example/x")]
    [InlineData("https://evil.example/x")]
    [InlineData("Account/ResetPassword")]
    [InlineData("/Account/ResetPassword?code=x")]
    [InlineData("/\\evil.example")]
    public void APathThatCouldLeaveTheAppIsRefused(string path)
    {
        var links = Links("https://sa.test");

        Assert.Throws<ArgumentException>(() => links.Create(path));
    }

    [Theory]
    [InlineData("https://sa.test", "https://sa.test/Account/ConfirmEmail")]
    [InlineData("https://sa.test/", "https://sa.test/Account/ConfirmEmail")]
    [InlineData("https://sa.test/auth/", "https://sa.test/auth/Account/ConfirmEmail")]
    [InlineData("http://localhost:5000", "http://localhost:5000/Account/ConfirmEmail")]
    public void ALinkKeepsThePublicUrlsSchemeHostPortAndPath(string publicUrl, string expected)
    {
        var links = Links(publicUrl);

        Assert.Equal(expected, links.Create("/Account/ConfirmEmail").AbsoluteUri);
    }

    private static PublicLinks Links(string publicUrl) =>
        new(Options.Create(new AppOptions { PublicUrl = publicUrl }), new NoServer());

    private static void MapLinkEndpoint(IServiceCollection services) =>
        services.AddSingleton<IStartupFilter>(new LinkEndpoint());

    private sealed class LinkEndpoint : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Map(LinkPath, branch => branch.Run(context => context.Response.WriteAsync(
                context.RequestServices.GetRequiredService<IPublicLinks>()
                    .Create("/Account/ResetPassword", new Dictionary<string, string?> { ["code"] = "a+b/c=", ["email"] = "x@sa.test" }).AbsoluteUri)));
            next(app);
        };
    }

    private sealed class NoServer : IServer
    {
        public Microsoft.AspNetCore.Http.Features.IFeatureCollection Features { get; } = new Microsoft.AspNetCore.Http.Features.FeatureCollection();

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }
}
