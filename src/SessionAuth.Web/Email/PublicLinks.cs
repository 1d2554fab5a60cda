using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace SessionAuth.Web.Email;

/// <summary>
/// Links on App:PublicUrl; without it (allowed only while mail goes to the pickup directory, or in Development),
/// on the app's own first listening address, which the start-up log warns about. Never on anything a request says.
/// </summary>
internal sealed class PublicLinks(IOptions<AppOptions> app, IServer server) : IPublicLinks
{
    public Uri Create(string path, IReadOnlyDictionary<string, string?>? query = null)
    {
        // An app path only: "//evil.example/x" or "https://…" would let a caller point a mailed link elsewhere.
        if (!path.StartsWith('/') || path.StartsWith("//", StringComparison.Ordinal) || path.Contains('\\', StringComparison.Ordinal)
            || path.Contains('?', StringComparison.Ordinal) || path.Contains('#', StringComparison.Ordinal))
        {
            throw new ArgumentException("A link path is an app path starting with a single '/', without query or fragment.", nameof(path));
        }

        var url = Root().AbsoluteUri.TrimEnd('/') + path;
        if (query is not null)
        {
            url = QueryHelpers.AddQueryString(url, query);
        }

        return new Uri(url);
    }

    /// <summary>The base every link starts with.</summary>
    internal Uri Root()
    {
        if (!string.IsNullOrWhiteSpace(app.Value.PublicUrl) && AppOptionsValidator.TryParsePublicUrl(app.Value.PublicUrl, out var configured))
        {
            return configured;
        }

        var listening = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        return listening is not null && Uri.TryCreate(WithConcreteHost(listening), UriKind.Absolute, out var own)
            ? own
            : new Uri("http://localhost/");
    }

    /// <summary>A wildcard binding (http://+:80, http://[::]:8080) is no address to click: localhost is.</summary>
    private static string WithConcreteHost(string address)
    {
        foreach (var wildcard in (string[])["://+", "://*", "://0.0.0.0", "://[::]"])
        {
            if (address.Contains(wildcard, StringComparison.Ordinal))
            {
                return address.Replace(wildcard, "://localhost", StringComparison.Ordinal);
            }
        }

        return address;
    }
}
