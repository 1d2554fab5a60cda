using System.Globalization;
using System.Numerics;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SessionAuth.Web.Tokens;

/// <summary>
/// One spelling per token. A compact JWS (RFC 7515 7.1) whose parts carry base64url padding or
/// non-zero unused trailing bits decodes to the same bytes as the canonical text, and an ECDSA
/// signature (r, s) verifies as (r, n − s) too: lenient readers would accept several strings for one
/// token, so a token string could not serve as a key (a deny list, a log search). Only the canonical
/// spelling is accepted, and ES256 signatures are "low-s" (s ≤ n/2); the issuer writes only those.
/// </summary>
internal static class CanonicalJws
{
    /// <summary>The order of the P-256 group, and half of it (rounded down).</summary>
    private static readonly BigInteger P256Order = BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    private static readonly BigInteger P256HalfOrder = P256Order / 2;

    private const int Es256SignatureBytes = 64;

    /// <summary>Three parts, each canonical base64url; for ES256 a 64-byte signature with a low s.</summary>
    public static bool IsCanonical(string token, string algorithm)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || !parts.All(IsCanonicalBase64Url))
        {
            return false;
        }

        if (!string.Equals(algorithm, SecurityAlgorithms.EcdsaSha256, StringComparison.Ordinal))
        {
            return true;
        }

        var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
        return signature.Length == Es256SignatureBytes && S(signature) <= P256HalfOrder;
    }

    /// <summary>The same ES256 token with s replaced by n − s when s is high: both verify, only the low one is accepted.</summary>
    public static string WithLowS(string token)
    {
        var lastDot = token.LastIndexOf('.');
        var signature = Base64UrlEncoder.DecodeBytes(token[(lastDot + 1)..]);
        if (signature.Length != Es256SignatureBytes)
        {
            throw new InvalidOperationException($"An ES256 signature has {Es256SignatureBytes} bytes, not {signature.Length}.");
        }

        var s = S(signature);
        if (s <= P256HalfOrder)
        {
            return token;
        }

        var low = (P256Order - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        var span = signature.AsSpan(32);
        span.Clear();
        low.CopyTo(span[(32 - low.Length)..]);
        return $"{token[..lastDot]}.{Base64UrlEncoder.Encode(signature)}";
    }

    private static BigInteger S(byte[] signature) => new(signature.AsSpan(32), isUnsigned: true, isBigEndian: true);

    /// <summary>Only the base64url alphabet, no padding, a possible length, and unused trailing bits zero.</summary>
    private static bool IsCanonicalBase64Url(string part)
    {
        if (part.Length % 4 == 1)
        {
            return false;
        }

        foreach (var c in part)
        {
            if (Value(c) < 0)
            {
                return false;
            }
        }

        return (part.Length % 4) switch
        {
            2 => (Value(part[^1]) & 0b1111) == 0, // one byte in two characters: the last holds 4 unused bits
            3 => (Value(part[^1]) & 0b11) == 0, // two bytes in three characters: 2 unused bits
            _ => true,
        };
    }

    private static int Value(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '-' => 62,
        '_' => 63,
        _ => -1,
    };
}

/// <summary>The Bearer scheme's token handler: the framework's, after the canonical-spelling check.</summary>
internal sealed class CanonicalJsonWebTokenHandler(string algorithm) : JsonWebTokenHandler
{
    public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters) =>
        CanonicalJws.IsCanonical(token, algorithm)
            ? base.ValidateTokenAsync(token, validationParameters)
            : Task.FromResult(new TokenValidationResult
            {
                IsValid = false,
                Exception = new SecurityTokenMalformedException("The token is not in canonical compact form (RFC 7515 7.1; ES256 with a low s)."),
            });
}
