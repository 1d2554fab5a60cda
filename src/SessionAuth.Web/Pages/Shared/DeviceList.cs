using Microsoft.Extensions.Options;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tokens;

namespace SessionAuth.Web.Pages;

/// <summary>One row of a device list: a browser session or an API client (refresh grant).</summary>
public sealed record DeviceRow(
    string Handle,
    string Device,
    string? ClientIp,
    DateTimeOffset SignedInAt,
    DateTimeOffset LastActiveAt,
    DateTimeOffset EndsAt,
    bool IsCurrent,
    bool IsApiClient = false,
    string Method = "Password");

/// <summary>What _DeviceList renders: the rows, and the handler each row's end button posts to (none: no buttons).</summary>
public sealed record DeviceListView(IReadOnlyList<DeviceRow> Rows, string? RevokeAction = null);

/// <summary>
/// The device list of one user, for the owner's sessions page and the operators' user page alike: every live
/// session and API grant, newest sign-in first. Costs the two listings (each two round trips whatever the
/// number), sent together. The pages are where Sessions/ and Tokens/ meet: neither knows the other's rows.
/// </summary>
public sealed class DeviceList(ISessionStore store, IRefreshGrantStore grants, IOptions<TokenOptions> tokens)
{
    /// <summary>The words that mark a grant's row (and its activity rows) apart from a browser's.</summary>
    public const string ApiClient = ActivityGrantObserver.ApiClient;

    /// <param name="current">The session making the request, marked "This device"; null on someone else's list.</param>
    public async Task<IReadOnlyList<DeviceRow>> ReadAsync(string userId, SessionHandle? current, CancellationToken cancellationToken)
    {
        // Both lists at once: the grants' round trips overlap the sessions' instead of following them.
        var sessionsRead = store.ListByUserAsync(userId, cancellationToken);
        var grantsRead = grants.ListByUserAsync(userId, cancellationToken);
        await Task.WhenAll(sessionsRead, grantsRead);
        var (listed, apiClients) = (await sessionsRead, await grantsRead);
        var options = tokens.Value;
        return [.. listed.Select(s => new DeviceRow(s.Handle.Value, UserAgentSummary.Describe(s.Record.UserAgent),
                s.Record.ClientIp, s.Record.CreatedAt, s.LastActiveAt, s.EndsAt, s.Handle == current,
                Method: SignInMethods.Describe([.. s.Record.Claims.Where(c => c.Type == SignInMethods.ClaimType).Select(c => c.Value)])))
            .Concat(apiClients.Select(g => new DeviceRow(g.Handle.Value, UserAgentSummary.Describe(g.UserAgent),
                g.ClientIp, g.CreatedAt, g.LastRefreshedAt, GrantEndsAt(g, options), IsCurrent: false, IsApiClient: true,
                Method: SignInMethods.Describe(g.Amr ?? []))))
            .OrderByDescending(row => row.SignedInAt)];
    }

    /// <summary>The earlier of the grant's idle end (unused since its last refresh) and its absolute end.</summary>
    private static DateTimeOffset GrantEndsAt(GrantSummary grant, TokenOptions options)
    {
        var idle = grant.LastRefreshedAt + options.RefreshIdleLifetime;
        var absolute = grant.CreatedAt + options.RefreshAbsoluteLifetime;
        return idle < absolute ? idle : absolute;
    }
}
