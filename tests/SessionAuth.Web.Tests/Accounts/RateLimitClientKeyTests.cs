using System.Net;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Hosting;

namespace SessionAuth.Web.Tests.Accounts;

/// <summary>
/// Who the password forms' rate limit counts as one client. An IPv6 host can pick any address in its
/// /64, so counting per address would let it rotate past the limit.
/// </summary>
public sealed class RateLimitClientKeyTests
{
    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff:eeee:dddd:cccc")]
    [InlineData("203.0.113.7", "::ffff:203.0.113.7")]
    public void AddressesOfOneClientShareOneBucket(string first, string second)
    {
        var a = AccountEndpointProtection.ClientKey(IPAddress.Parse(first));
        var b = AccountEndpointProtection.ClientKey(IPAddress.Parse(second));

        Assert.Equal(a, b);
    }

    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1")]
    [InlineData("203.0.113.7", "203.0.113.8")]
    public void DifferentClientsHaveTheirOwnBuckets(string first, string second)
    {
        var a = AccountEndpointProtection.ClientKey(IPAddress.Parse(first));
        var b = AccountEndpointProtection.ClientKey(IPAddress.Parse(second));

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void ARequestWithoutAnAddressIsStillCounted()
    {
        var key = AccountEndpointProtection.ClientKey(null);

        Assert.False(string.IsNullOrEmpty(key));
        Assert.Equal(key, AccountEndpointProtection.ClientKey(null));
    }
}
