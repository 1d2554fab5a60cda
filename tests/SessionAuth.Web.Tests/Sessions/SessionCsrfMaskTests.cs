using System.Security.Cryptography;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Tests.Sessions;

/// <summary>The per-response mask of a session's CSRF secret: fresh pad bytes every time, across the pad pages one thread draws.</summary>
public sealed class SessionCsrfMaskTests
{
    [Fact]
    public void EveryMaskOfOneSecretIsNewAndUnmasksToIt()
    {
        var secret = RandomNumberGenerator.GetBytes(SessionCsrfToken.SecretBytes);
        var other = RandomNumberGenerator.GetBytes(SessionCsrfToken.SecretBytes);

        // 1,000 masks span several pages of pad bytes on this thread.
        var tokens = Enumerable.Range(0, 1_000).Select(_ => SessionCsrfToken.Mask(secret)).ToList();

        Assert.Equal(tokens.Count, tokens.Distinct(StringComparer.Ordinal).Count());
        Assert.All(tokens, token => Assert.True(SessionCsrfToken.Matches(token, secret)));
        Assert.All(tokens, token => Assert.False(SessionCsrfToken.Matches(token, other)));
        var pads = tokens.Select(token => Convert.ToHexString(System.Buffers.Text.Base64Url.DecodeFromChars(token)[..SessionCsrfToken.SecretBytes])).ToList();
        Assert.Equal(pads.Count, pads.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(new string('0', 2 * SessionCsrfToken.SecretBytes), pads);
    }

    [Fact]
    public async Task MasksDrawnOnManyThreadsAtOnceAreAllDifferent()
    {
        var secret = RandomNumberGenerator.GetBytes(SessionCsrfToken.SecretBytes);

        var batches = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            Enumerable.Range(0, 300).Select(_ => SessionCsrfToken.Mask(secret)).ToList())));

        var all = batches.SelectMany(batch => batch).ToList();
        Assert.Equal(all.Count, all.Distinct(StringComparer.Ordinal).Count());
    }
}
