using System.Security.Cryptography;
using System.Text.Json;
using CohortDashboard.Web.Features.Auth.Oidc;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using IdTokenValidator = CohortDashboard.Web.Features.Auth.Oidc.IdTokenValidator;

namespace CohortDashboard.Web.Tests.Auth;

/// <summary>
/// The id_token checks with real crypto: tokens minted here with our own RSA keys, discovery and JWKS served to a
/// real <see cref="ConfigurationManager{T}"/> by an in-memory document source whose keys the tests can rotate.
/// </summary>
public sealed class IdTokenValidatorTests : IDisposable
{
    private const string Issuer = "https://idp.example.test";
    private const string ClientId = "cohortdashboard";
    private const string Nonce = "n-0S6_WzA2Mj";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private readonly RSA providerRsa = RSA.Create(2048);
    private readonly RSA otherRsa = RSA.Create(2048);
    private readonly RsaSecurityKey providerKey;
    private readonly ProviderDocuments documents = new();
    private readonly ConfigurationManager<OpenIdConnectConfiguration> configuration;
    private readonly IdTokenValidator validator;

    public IdTokenValidatorTests()
    {
        providerKey = new RsaSecurityKey(providerRsa) { KeyId = "key-1" };
        documents.Publish(providerKey);
        configuration = new ConfigurationManager<OpenIdConnectConfiguration>(
            Issuer + "/.well-known/openid-configuration", new OpenIdConnectConfigurationRetriever(), documents);
        validator = new IdTokenValidator(configuration, ClientId);
    }

    [Fact]
    public async Task ValidateAsync_ValidToken_AcceptedWithClaims()
    {
        var result = await validator.ValidateAsync(Mint(), Nonce, Cancel);

        Assert.True(result.IsValid, result.Detail);
        Assert.Equal("alice", result.Token!.Subject);
        Assert.Equal("Alice Admin", result.Token.GetPayloadValue<string>("name"));
    }

    [Fact]
    public async Task ValidateAsync_SignedByAnotherKeyWithSameKid_RejectedAsBadSignature()
    {
        var forged = Mint(signingKey: new RsaSecurityKey(otherRsa) { KeyId = "key-1" });

        var result = await validator.ValidateAsync(forged, Nonce, Cancel);

        Assert.Equal(IdTokenProblem.BadSignature, result.Problem);
    }

    [Fact]
    public async Task ValidateAsync_WrongAudience_Rejected()
    {
        var result = await validator.ValidateAsync(Mint(audience: "some-other-client"), Nonce, Cancel);

        Assert.Equal(IdTokenProblem.WrongAudience, result.Problem);
    }

    [Fact]
    public async Task ValidateAsync_ExpiredBeyondClockSkew_Rejected()
    {
        var result = await validator.ValidateAsync(Mint(expires: DateTime.UtcNow.AddMinutes(-5)), Nonce, Cancel);

        Assert.Equal(IdTokenProblem.Expired, result.Problem);
    }

    [Fact]
    public async Task ValidateAsync_ExpiredWithinClockSkew_Accepted()
    {
        var result = await validator.ValidateAsync(Mint(expires: DateTime.UtcNow.AddSeconds(-20)), Nonce, Cancel);

        Assert.True(result.IsValid, result.Detail);
    }

    [Fact]
    public async Task ValidateAsync_NonceMismatch_Rejected()
    {
        var result = await validator.ValidateAsync(Mint(nonce: "a-nonce-from-another-sign-in"), Nonce, Cancel);

        Assert.Equal(IdTokenProblem.NonceMismatch, result.Problem);
    }

    [Fact]
    public async Task ValidateAsync_NoNonce_Rejected()
    {
        var result = await validator.ValidateAsync(Mint(nonce: null), Nonce, Cancel);

        Assert.Equal(IdTokenProblem.NonceMismatch, result.Problem);
    }

    [Fact]
    public async Task ValidateAsync_UnknownIssuer_Rejected()
    {
        var result = await validator.ValidateAsync(Mint(issuer: "https://evil.example.test"), Nonce, Cancel);

        Assert.Equal(IdTokenProblem.WrongIssuer, result.Problem);
    }

    [Fact]
    public async Task ValidateAsync_AlgNoneUnsigned_Rejected()
    {
        var unsigned = new JsonWebTokenHandler().CreateToken(Descriptor(Issuer, ClientId, DateTime.UtcNow.AddMinutes(5), Nonce, signingKey: null));
        Assert.Equal("none", new JsonWebToken(unsigned).Alg);

        var result = await validator.ValidateAsync(unsigned, Nonce, Cancel);

        Assert.False(result.IsValid);
        Assert.NotEqual(IdTokenProblem.None, result.Problem);
    }

    [Fact]
    public async Task ValidateAsync_SymmetricHs256_Rejected()
    {
        // A token "signed" with a shared secret must not pass, even though the key would verify it.
        var secret = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = "key-1" };
        var token = new JsonWebTokenHandler().CreateToken(Descriptor(Issuer, ClientId, DateTime.UtcNow.AddMinutes(5), Nonce,
            new SigningCredentials(secret, SecurityAlgorithms.HmacSha256)));

        var result = await validator.ValidateAsync(token, Nonce, Cancel);

        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task ValidateAsync_UnknownKidAfterProviderRotated_RefreshesKeysAndAccepts()
    {
        Assert.True((await validator.ValidateAsync(Mint(), Nonce, Cancel)).IsValid); // keys of the first document cached
        var rotated = new RsaSecurityKey(otherRsa) { KeyId = "key-2" };
        documents.Publish(rotated);

        var result = await validator.ValidateAsync(Mint(signingKey: rotated), Nonce, Cancel);

        Assert.True(result.IsValid, result.Detail);
        Assert.True(documents.JwksReads >= 2, "the JWKS was not read again");
    }

    [Fact]
    public async Task ValidateAsync_UnknownKidNotPublishedEvenAfterRefresh_RejectedAsBadSignature()
    {
        var result = await validator.ValidateAsync(Mint(signingKey: new RsaSecurityKey(otherRsa) { KeyId = "key-unknown" }), Nonce, Cancel);

        Assert.Equal(IdTokenProblem.BadSignature, result.Problem);
    }

    private string Mint(string issuer = Issuer, string audience = ClientId, DateTime? expires = null, string? nonce = Nonce, SecurityKey? signingKey = null) =>
        new JsonWebTokenHandler().CreateToken(Descriptor(issuer, audience, expires ?? DateTime.UtcNow.AddMinutes(5), nonce,
            new SigningCredentials(signingKey ?? providerKey, SecurityAlgorithms.RsaSha256)));

    private static SecurityTokenDescriptor Descriptor(string issuer, string audience, DateTime expires, string? nonce, SigningCredentials? signingKey)
    {
        var claims = new Dictionary<string, object> { ["sub"] = "alice", ["name"] = "Alice Admin", ["role"] = "admin", ["org"] = "Northwind Learning" };
        if (nonce is not null) claims["nonce"] = nonce;
        return new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = expires.AddMinutes(-10),
            NotBefore = expires.AddMinutes(-10),
            Expires = expires,
            Claims = claims,
            SigningCredentials = signingKey,
        };
    }

    public void Dispose()
    {
        providerRsa.Dispose();
        otherRsa.Dispose();
    }

    /// <summary>A provider's discovery document and JWKS, served from memory; <see cref="Publish"/> rotates the keys.</summary>
    private sealed class ProviderDocuments : IDocumentRetriever
    {
        private string jwks = "";

        public int JwksReads { get; private set; }

        public void Publish(RsaSecurityKey key)
        {
            var parameters = key.Rsa.ExportParameters(false);
            jwks = JsonSerializer.Serialize(new
            {
                keys = new[]
                {
                    new { kty = "RSA", use = "sig", alg = "RS256", kid = key.KeyId, n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) },
                },
            });
        }

        public Task<string> GetDocumentAsync(string address, CancellationToken cancel)
        {
            if (address.EndsWith("/jwks", StringComparison.Ordinal))
            {
                JwksReads++;
                return Task.FromResult(jwks);
            }
            return Task.FromResult(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["issuer"] = Issuer,
                ["authorization_endpoint"] = Issuer + "/auth",
                ["token_endpoint"] = Issuer + "/token",
                ["end_session_endpoint"] = Issuer + "/session/end",
                ["jwks_uri"] = Issuer + "/jwks",
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            }));
        }
    }
}
