using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Playwright;

namespace SessionAuth.Browser.Tests.Infrastructure;

/// <summary>
/// A WebAuthn authenticator inside Chromium, driven over the DevTools protocol (the WebAuthn domain): a
/// platform authenticator (CTAP2, internal transport) with resident keys and user verification, which says
/// yes by itself, as a person touching the fingerprint reader would. Its credentials can be read out and put
/// into another browser context's authenticator: a passkey carried to a new device.
/// </summary>
internal sealed class VirtualAuthenticator
{
    private readonly ICDPSession _cdp;
    private readonly string _id;

    private VirtualAuthenticator(ICDPSession cdp, string id)
    {
        _cdp = cdp;
        _id = id;
    }

    public static async Task<VirtualAuthenticator> AttachAsync(IPage page)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable");
        var result = await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });
        return new VirtualAuthenticator(cdp, result!.Value.GetProperty("authenticatorId").GetString()!);
    }

    /// <summary>The credentials the authenticator holds, as the protocol gives them (private key included).</summary>
    public async Task<IReadOnlyList<JsonElement>> CredentialsAsync()
    {
        var result = await _cdp.SendAsync("WebAuthn.getCredentials", new Dictionary<string, object> { ["authenticatorId"] = _id });
        return [.. result!.Value.GetProperty("credentials").EnumerateArray().Select(c => c.Clone())];
    }

    /// <summary>Puts a credential read from another authenticator into this one.</summary>
    public Task AddAsync(JsonElement credential) => AddAsync(new Dictionary<string, object>
    {
        ["credentialId"] = credential.GetProperty("credentialId").GetString()!,
        ["isResidentCredential"] = true,
        ["rpId"] = credential.GetProperty("rpId").GetString()!,
        ["privateKey"] = credential.GetProperty("privateKey").GetString()!,
        ["userHandle"] = credential.GetProperty("userHandle").GetString()!,
        ["signCount"] = credential.GetProperty("signCount").GetInt32(),
    });

    /// <summary>
    /// A passkey this site never registered: a new P-256 key for <paramref name="rpId"/>, claiming the user
    /// handle <paramref name="userId"/> (an existing account's, so only the missing registration can refuse it).
    /// </summary>
    public Task AddUnknownAsync(string rpId, string userId)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return AddAsync(new Dictionary<string, object>
        {
            ["credentialId"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)),
            ["isResidentCredential"] = true,
            ["rpId"] = rpId,
            ["privateKey"] = Convert.ToBase64String(key.ExportPkcs8PrivateKey()),
            ["userHandle"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(userId)),
            ["signCount"] = 0,
        });
    }

    private async Task AddAsync(Dictionary<string, object> credential) =>
        await _cdp.SendAsync("WebAuthn.addCredential", new Dictionary<string, object> { ["authenticatorId"] = _id, ["credential"] = credential });
}
