using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace SessionAuth.Web.Tokens;

/// <summary>
/// The key material of the configured algorithm: what signs access tokens, what validates them, and
/// (ES256 only) the public key that <c>/.well-known/jwks.json</c> publishes with its <c>kid</c>.
/// </summary>
internal sealed class TokenSigningKey
{
    private TokenSigningKey(string algorithm, SecurityKey signing, SecurityKey validation, JsonWebKey? publicJwk)
    {
        Algorithm = algorithm;
        Credentials = new SigningCredentials(signing, algorithm);
        ValidationKey = validation;
        PublicJwk = publicJwk;
    }

    public string Algorithm { get; }

    public SigningCredentials Credentials { get; }

    public SecurityKey ValidationKey { get; }

    /// <summary>The public key as a JWK (ES256), or null for a shared secret, which is never published.</summary>
    public JsonWebKey? PublicJwk { get; }

    public static TokenSigningKey Create(IOptions<TokenOptions> options) =>
        TryLoad(options.Value, out var key, out var problem) ? key : throw new InvalidOperationException(problem);

    /// <summary>Reads the key; the problem names the setting and never quotes the key.</summary>
    public static bool TryLoad(TokenOptions options, [NotNullWhen(true)] out TokenSigningKey? key, [NotNullWhen(false)] out string? problem)
    {
        key = null;
        var text = options.SigningKey?.Trim();
        if (string.Equals(options.Algorithm, TokenOptions.ES256, StringComparison.Ordinal))
        {
            const string es256Hint = "Tokens:SigningKey must hold a PEM P-256 EC private key when Tokens:Algorithm is ES256 "
                + "(e.g. `openssl ecparam -name prime256v1 -genkey -noout`).";
            if (string.IsNullOrEmpty(text))
            {
                problem = $"Tokens:SigningKey is empty. {es256Hint}";
                return false;
            }

            var ecdsa = ECDsa.Create();
            try
            {
                ecdsa.ImportFromPem(text);
                var parameters = ecdsa.ExportParameters(includePrivateParameters: true);
                if (parameters.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value || parameters.D is null)
                {
                    ecdsa.Dispose();
                    problem = $"Tokens:SigningKey is not a P-256 private key. {es256Hint}";
                    return false;
                }
            }
            catch (Exception ex) when (ex is ArgumentException or CryptographicException)
            {
                ecdsa.Dispose();
                problem = $"Tokens:SigningKey cannot be read. {es256Hint}";
                return false;
            }

            var publicOnly = ECDsa.Create(ecdsa.ExportParameters(includePrivateParameters: false));
            var publicKey = new ECDsaSecurityKey(publicOnly);
            var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(publicKey);
            var kid = Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint());
            jwk.KeyId = kid;
            jwk.Use = JsonWebKeyUseNames.Sig;
            jwk.Alg = SecurityAlgorithms.EcdsaSha256;
            publicKey.KeyId = kid;
            key = new TokenSigningKey(SecurityAlgorithms.EcdsaSha256, new ECDsaSecurityKey(ecdsa) { KeyId = kid }, publicKey, jwk);
            problem = null;
            return true;
        }

        const string hs256Hint = "Tokens:SigningKey must be base64 of at least 32 random bytes (e.g. `openssl rand -base64 32`).";
        var secret = Decode(text);
        if (secret is null)
        {
            problem = string.IsNullOrEmpty(text) ? $"Tokens:SigningKey is empty. {hs256Hint}" : $"Tokens:SigningKey is not usable. {hs256Hint}";
            return false;
        }

        var symmetric = new SymmetricSecurityKey(secret);
        key = new TokenSigningKey(SecurityAlgorithms.HmacSha256, symmetric, symmetric, publicJwk: null);
        problem = null;
        return true;
    }

    private static byte[]? Decode(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) && written >= 32 ? buffer[..written] : null;
    }
}
