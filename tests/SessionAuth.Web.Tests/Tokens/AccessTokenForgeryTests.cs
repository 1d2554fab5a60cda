using System.Globalization;
using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Tokens;

/// <summary>An app signing with ES256: its own Redis, a fresh P-256 key in the settings.</summary>
public sealed class Es256AppFixture : IAsyncLifetime
{
    private RedisAppPair _pair = null!;

    public ECDsa Key { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public SessionAuthApplication App => _pair.App;

    public async Task InitializeAsync() => _pair = await RedisAppPair.StartAsync(new Dictionary<string, string?>
    {
        ["Tokens:Algorithm"] = "ES256",
        ["Tokens:SigningKey"] = Key.ExportECPrivateKeyPem(),
    });

    public async Task DisposeAsync()
    {
        await _pair.DisposeAsync();
        Key.Dispose();
    }
}

/// <summary>
/// What a forger tries against GET /api/me. Each gets 401 with a WWW-Authenticate: Bearer challenge
/// (error="invalid_token" when a token was sent) and a problem details body, never a 500.
/// </summary>
public sealed class AccessTokenForgeryTests(RedisAppFixture hs256, Es256AppFixture es256)
    : IClassFixture<RedisAppFixture>, IClassFixture<Es256AppFixture>
{
    private static readonly SymmetricSecurityKey TestKey = new(Convert.FromBase64String(TestHost.TokenSigningKey));

    public static TheoryData<string> Forgeries =>
    [
        "tampered payload", "tampered signature", "alg none", "alg none uppercase", "wrong key", "wrong iss", "wrong aud",
        "expired beyond the skew", "not yet valid", "wrong typ", "no typ", "no exp", "refresh token as bearer", "garbage",
        "HS512 with the right key", "trailing padding", "padded payload", "signature with stray trailing bits", "whitespace inside",
    ];

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task AForgedOrInvalidTokenIsA401WithAnInvalidTokenChallenge(string forgery)
    {
        var (_, pair) = await hs256.App.RegisterAndGetTokensAsync("forger");
        var token = Forge(forgery, pair);

        var response = await hs256.App.CreateApiClient().GetMeAsync(token);

        await AssertInvalidTokenAsync(response);
    }

    [Theory]
    [InlineData("spki")]
    [InlineData("pem")]
    [InlineData("jwk x")]
    public async Task Hs256SignedWithTheEs256PublicKeyIsRefused(string keyForm)
    {
        var (_, pair) = await es256.App.RegisterAndGetTokensAsync("confused");
        var publicKey = keyForm switch
        {
            "spki" => es256.Key.ExportSubjectPublicKeyInfo(),
            "pem" => Encoding.ASCII.GetBytes(es256.Key.ExportSubjectPublicKeyInfoPem()),
            _ => Base64UrlEncoder.DecodeBytes(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(es256.Key)).X)
                .Concat(new byte[32]).ToArray(),
        };
        var token = Sign(new SymmetricSecurityKey(publicKey), SecurityAlgorithms.HmacSha256, Claims(pair));

        var response = await es256.App.CreateApiClient().GetMeAsync(token);

        await AssertInvalidTokenAsync(response);
    }

    [Fact]
    public async Task AnEs256TokenSignedWithAnotherP256KeyIsRefused()
    {
        var (_, pair) = await es256.App.RegisterAndGetTokensAsync("otherkey");
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var kid = new JsonWebToken(pair.AccessToken).Kid;

        var token = Sign(new ECDsaSecurityKey(other) { KeyId = kid }, SecurityAlgorithms.EcdsaSha256, Claims(pair));

        await AssertInvalidTokenAsync(await es256.App.CreateApiClient().GetMeAsync(token));
    }

    [Fact]
    public async Task Es256TokensWorkAndTheJwksPublishesTheirPublicKeyWithItsKid()
    {
        var (email, pair) = await es256.App.RegisterAndGetTokensAsync("es256");
        var api = es256.App.CreateApiClient();

        var me = await api.GetMeAsync(pair.AccessToken);
        var jwksResponse = await api.GetAsync("/.well-known/jwks.json");

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Contains(email, await me.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var jwks = new JsonWebKeySet(await jwksResponse.Content.ReadAsStringAsync());
        var key = Assert.Single(jwks.Keys);
        var jwt = new JsonWebToken(pair.AccessToken);
        Assert.Equal("ES256", jwt.Alg);
        Assert.Equal(jwt.Kid, key.Kid);
        Assert.Equal(("EC", "P-256", "sig"), (key.Kty, key.Crv, key.Use));
        Assert.False(key.HasPrivateKey);
        Assert.Null(key.D);
        // Another service validates with the published key alone.
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(pair.AccessToken, new TokenValidationParameters
        {
            ValidIssuer = "sessionauth",
            ValidAudience = "sessionauth-api",
            IssuerSigningKeys = jwks.Keys,
            ValidAlgorithms = ["ES256"],
            ValidTypes = ["at+jwt"],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Fact]
    public async Task AnEs256SignatureWithSReplacedByNMinusSIsRefused()
    {
        var (_, pair) = await es256.App.RegisterAndGetTokensAsync("malleable");
        var parts = pair.AccessToken.Split('.');
        var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
        var twin = signature[..32].Concat((P256Order - S(signature)).ToByteArray(isUnsigned: true, isBigEndian: true)).ToArray();
        var forged = $"{parts[0]}.{parts[1]}.{Base64UrlEncoder.Encode(twin)}";
        using var publicKey = ECDsa.Create(es256.Key.ExportParameters(includePrivateParameters: false));
        var signed = Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}");

        var response = await es256.App.CreateApiClient().GetMeAsync(forged);

        // Mathematically a valid signature of the same token: only the rule against two spellings refuses it.
        Assert.Equal(64, twin.Length);
        Assert.True(publicKey.VerifyData(signed, twin, HashAlgorithmName.SHA256));
        await AssertInvalidTokenAsync(response);
        Assert.Equal(HttpStatusCode.OK, (await es256.App.CreateApiClient().GetMeAsync(pair.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task EveryEs256TokenTheAppIssuesHasALowS()
    {
        var (_, pair) = await es256.App.RegisterAndGetTokensAsync("lows");
        var api = es256.App.CreateApiClient();
        var tokens = new List<string> { pair.AccessToken };
        var refreshToken = pair.RefreshToken;

        // Without normalising, each s is high with probability 1/2: twenty in a row low by chance is one in a million.
        for (var i = 0; i < 19; i++)
        {
            var next = await TokenClient.ReadPairAsync(await api.RefreshAsync(refreshToken));
            tokens.Add(next.AccessToken);
            refreshToken = next.RefreshToken;
        }

        foreach (var token in tokens)
        {
            Assert.True(S(Base64UrlEncoder.DecodeBytes(token.Split('.')[2])) <= P256Order / 2, token);
        }

        Assert.Equal(HttpStatusCode.OK, (await api.GetMeAsync(tokens[^1])).StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Token abc.def.ghi")]
    public async Task AMissingOrNonBearerHeaderIsA401WithABearerChallenge(string? header)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", header);
        }

        var response = await hs256.App.CreateApiClient().SendAsync(request);

        await TokenClient.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", TokenClient.Challenge(response)?.Scheme);
    }

    [Theory]
    [InlineData("Bearer a.b")]
    [InlineData("Bearer a.b.c.d.e.f")]
    [InlineData("Bearer ....")]
    [InlineData("Bearer ey\u00e9J.x.y")]
    [InlineData("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0")]
    public async Task AMalformedBearerTokenIsA401WithAnInvalidTokenChallenge(string header)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.TryAddWithoutValidation("Authorization", header);

        var response = await hs256.App.CreateApiClient().SendAsync(request);

        await AssertInvalidTokenAsync(response);
    }

    [Fact]
    public async Task TheGenuineTokenStillWorksSoTheRefusalsAreAboutTheForgery()
    {
        var (_, pair) = await hs256.App.RegisterAndGetTokensAsync("genuine");

        var reSigned = Sign(TestKey, SecurityAlgorithms.HmacSha256, Claims(pair));

        Assert.Equal(HttpStatusCode.OK, (await hs256.App.CreateApiClient().GetMeAsync(pair.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await hs256.App.CreateApiClient().GetMeAsync(reSigned)).StatusCode);
    }

    private static async Task AssertInvalidTokenAsync(HttpResponseMessage response)
    {
        await TokenClient.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        var challenge = TokenClient.Challenge(response);
        Assert.Equal("Bearer", challenge?.Scheme);
        Assert.Contains("error=\"invalid_token\"", challenge?.Parameter, StringComparison.Ordinal);
    }

    private static string Forge(string forgery, TokenClient.Pair pair)
    {
        var parts = pair.AccessToken.Split('.');
        var now = DateTimeOffset.UtcNow;
        switch (forgery)
        {
            case "tampered payload":
                var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!;
                payload["roles"] = new JsonArray("admin");
                return $"{parts[0]}.{Base64UrlEncoder.Encode(payload.ToJsonString())}.{parts[2]}";
            case "tampered signature":
                var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
                signature[0] ^= 0x01;
                return $"{parts[0]}.{parts[1]}.{Base64UrlEncoder.Encode(signature)}";
            case "alg none":
                return $"{Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"at+jwt\"}")}.{parts[1]}.";
            case "alg none uppercase":
                return $"{Base64UrlEncoder.Encode("{\"alg\":\"None\",\"typ\":\"at+jwt\"}")}.{parts[1]}.{parts[2]}";
            case "wrong key":
                return Sign(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)), SecurityAlgorithms.HmacSha256, Claims(pair));
            case "wrong iss":
                return Sign(TestKey, SecurityAlgorithms.HmacSha256, Claims(pair), d => d.Issuer = "https://evil.example");
            case "wrong aud":
                return Sign(TestKey, SecurityAlgorithms.HmacSha256, Claims(pair), d => d.Audience = "another-api");
            case "expired beyond the skew":
                return Sign(TestKey, SecurityAlgorithms.HmacSha256, Claims(pair), d =>
                    (d.IssuedAt, d.NotBefore, d.Expires) = (now.AddMinutes(-11).UtcDateTime, now.AddMinutes(-11).UtcDateTime, now.AddSeconds(-45).UtcDateTime));
            case "not yet valid":
                return Sign(TestKey, SecurityAlgorithms.HmacSha256, Claims(pair), d =>
                    (d.IssuedAt, d.NotBefore, d.Expires) = (now.UtcDateTime, now.AddMinutes(2).UtcDateTime, now.AddMinutes(12).UtcDateTime));
            case "wrong typ":
                return Sign(TestKey, SecurityAlgorithms.HmacSha256, Claims(pair), d => d.TokenType = "JWT");
            case "no typ":
                return Sign(TestKey, SecurityAlgorithms.HmacSha256, Claims(pair), d => d.TokenType = null);
            case "no exp":
                var noExp = new JsonObject
                {
                    ["iss"] = "sessionauth",
                    ["aud"] = "sessionauth-api",
                    ["sub"] = Claims(pair)["sub"].ToString(),
                    ["nbf"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
                };
                var header = Base64UrlEncoder.Encode("{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}");
                var body = Base64UrlEncoder.Encode(noExp.ToJsonString());
                var mac = HMACSHA256.HashData(TestKey.Key, Encoding.ASCII.GetBytes($"{header}.{body}"));
                return $"{header}.{body}.{Base64UrlEncoder.Encode(mac)}";
            case "refresh token as bearer":
                return pair.RefreshToken;
            case "garbage":
                return "not a token at all";
            case "HS512 with the right key":
                return Sign(new SymmetricSecurityKey(TestKey.Key.Concat(TestKey.Key).ToArray()), SecurityAlgorithms.HmacSha512, Claims(pair));
            case "trailing padding":
                // The same bytes to a lenient base64url reader; RFC 7515 7.1 has no padding.
                return pair.AccessToken + "=";
            case "padded payload":
                return $"{parts[0]}.{parts[1]}{new string('=', (4 - (parts[1].Length % 4)) % 4)}=.{parts[2]}";
            case "signature with stray trailing bits":
                // 32 bytes are 43 characters: the last one's 2 low bits are unused, so setting them changes no byte.
                Assert.Equal(43, parts[2].Length);
                return $"{parts[0]}.{parts[1]}.{parts[2][..^1]}{WithLowBitsSet(parts[2][^1])}";
            case "whitespace inside":
                return $"{parts[0]}.{parts[1]}.{parts[2][..10]} {parts[2][10..]}";
            default:
                throw new ArgumentOutOfRangeException(nameof(forgery), forgery, null);
        }
    }

    private static readonly BigInteger P256Order =
        BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static BigInteger S(byte[] signature) => new(signature.AsSpan(32), isUnsigned: true, isBigEndian: true);

    private static char WithLowBitsSet(char base64Url)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var value = alphabet.IndexOf(base64Url, StringComparison.Ordinal);
        Assert.Equal(0, value & 0b11);
        return alphabet[value | 0b11];
    }

    private static Dictionary<string, object> Claims(TokenClient.Pair pair)
    {
        var jwt = new JsonWebToken(pair.AccessToken);
        return new Dictionary<string, object>
        {
            ["sub"] = jwt.Subject,
            ["email"] = jwt.GetClaim("email").Value,
            ["name"] = jwt.GetClaim("name").Value,
            ["sid"] = jwt.GetClaim("sid").Value,
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
    }

    private static string Sign(SecurityKey key, string algorithm, Dictionary<string, object> claims, Action<SecurityTokenDescriptor>? change = null)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = "sessionauth",
            Audience = "sessionauth-api",
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            TokenType = "at+jwt",
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, algorithm),
        };
        change?.Invoke(descriptor);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
