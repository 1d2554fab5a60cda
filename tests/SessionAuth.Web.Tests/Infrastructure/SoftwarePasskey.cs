using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>
/// What a platform authenticator does for a sign-in (WebAuthn level 3, section 6.3.3), written from the spec with
/// an ES256 key, so an HTTP test can answer the sign-in challenge as a browser would with a passkey it holds.
/// </summary>
internal sealed class SoftwarePasskey : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly byte[] _credentialId = RandomNumberGenerator.GetBytes(16);
    private uint _signCount;

    /// <summary>Registers this passkey to the account of <paramref name="email"/>, as a finished registration leaves it.</summary>
    public async Task AddToAsync(SessionAuthApplication app, string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = (await users.FindByEmailAsync(email))!;
        var passkey = new UserPasskeyInfo(_credentialId, CosePublicKey(), DateTimeOffset.UtcNow, 0, ["internal"],
            isUserVerified: true, isBackupEligible: false, isBackedUp: false, attestationObject: [0xA0], clientDataJson: [0x7B, 0x7D]);
        Assert.True((await users.AddOrUpdatePasskeyAsync(user, passkey)).Succeeded);
    }

    /// <summary>Asks the login page for a challenge and posts this passkey's signed answer, as the page's script does.</summary>
    public async Task<HttpResponseMessage> SignInAsync(AppClient client, string userId)
    {
        var options = await client.SubmitAsync(AppRoutes.Login, [], postPath: AppRoutes.PasskeyRequestOptions);
        Assert.Equal(HttpStatusCode.OK, options.StatusCode);
        using var json = JsonDocument.Parse(await AppClient.BodyAsync(options));
        var challenge = json.RootElement.GetProperty("challenge").GetString()!;
        // The tests' apps answer on https (https://localhost, or App:PublicUrl's host): the origin is the rpId's.
        var rpId = json.RootElement.GetProperty("rpId").GetString()!;
        return await client.SubmitAsync(AppRoutes.Login, [new("Credential", Answer(challenge, rpId, userId))], postPath: AppRoutes.Login + "?handler=Passkey");
    }

    public void Dispose() => _key.Dispose();

    private string Answer(string challenge, string rpId, string userId)
    {
        var clientData = JsonSerializer.SerializeToUtf8Bytes(new { type = "webauthn.get", challenge, origin = "https://" + rpId, crossOrigin = false });
        _signCount++;
        // rpIdHash, flags (user present 0x01, user verified 0x04), then the signature counter, big-endian.
        byte[] authenticatorData = [.. SHA256.HashData(Encoding.UTF8.GetBytes(rpId)), 0x05,
            (byte)(_signCount >> 24), (byte)(_signCount >> 16), (byte)(_signCount >> 8), (byte)_signCount];
        var signature = _key.SignData([.. authenticatorData, .. SHA256.HashData(clientData)], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var id = Base64Url.EncodeToString(_credentialId);
        return JsonSerializer.Serialize(new
        {
            id,
            rawId = id,
            type = "public-key",
            authenticatorAttachment = "platform",
            clientExtensionResults = new { },
            response = new
            {
                clientDataJSON = Base64Url.EncodeToString(clientData),
                authenticatorData = Base64Url.EncodeToString(authenticatorData),
                signature = Base64Url.EncodeToString(signature),
                userHandle = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(userId)),
            },
        });
    }

    /// <summary>The public key as COSE_Key (RFC 9052): an EC2 key (1: 2) for ES256 (3: -7) on P-256 (-1: 1) with its x (-2) and y (-3).</summary>
    private byte[] CosePublicKey()
    {
        var point = _key.ExportParameters(includePrivateParameters: false).Q;
        return [0xA5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20, .. point.X!, 0x22, 0x58, 0x20, .. point.Y!];
    }
}
