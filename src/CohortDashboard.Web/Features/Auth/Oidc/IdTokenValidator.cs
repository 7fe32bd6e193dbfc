using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace CohortDashboard.Web.Features.Auth.Oidc;

/// <summary>Why an id_token was refused; the sign-in page and the logs name it.</summary>
public enum IdTokenProblem { None, Malformed, BadSignature, WrongIssuer, WrongAudience, Expired, NonceMismatch, DisallowedAlgorithm, ProviderUnavailable }

public sealed record IdTokenValidation(JsonWebToken? Token, IdTokenProblem Problem, string? Detail)
{
    public bool IsValid => Problem == IdTokenProblem.None && Token is not null;
}

/// <summary>
/// Checks an id_token against the provider's discovery document and keys: issuer, audience, lifetime, signature,
/// algorithm and nonce. No HTTP of its own beyond the configuration manager, so tests drive it with tokens they mint.
/// </summary>
public sealed class IdTokenValidator(IConfigurationManager<OpenIdConnectConfiguration> configuration, string clientId)
{
    /// <summary>Only asymmetric signatures: a provider key, never <c>none</c> and never a shared secret.</summary>
    public static readonly string[] AllowedAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256];

    /// <summary>Tolerated clock difference between us and the provider.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    /// <summary>How long a sign-in waits for refreshed keys after seeing an unknown key id.</summary>
    private static readonly TimeSpan RefreshWait = TimeSpan.FromSeconds(3);

    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };

    public async Task<IdTokenValidation> ValidateAsync(string idToken, string expectedNonce, CancellationToken cancellationToken)
    {
        OpenIdConnectConfiguration config;
        try
        {
            config = await configuration.GetConfigurationAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new(null, IdTokenProblem.ProviderUnavailable, ex.Message);
        }

        var result = await ValidateAgainstAsync(idToken, config);
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // A key id we do not know: the provider has probably rotated its keys since we last read them. Ask for
            // fresh keys once (the manager rate-limits this, so forged kids cannot make us hammer the provider).
            configuration.RequestRefresh();
            try
            {
                config = await RefreshedConfigurationAsync(config, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return new(null, IdTokenProblem.ProviderUnavailable, ex.Message);
            }
            result = await ValidateAgainstAsync(idToken, config);
        }

        if (!result.IsValid) return new(null, Classify(result.Exception), result.Exception?.Message);

        var token = (JsonWebToken)result.SecurityToken;
        if (!token.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Nonce, out var nonce) || !NonceEquals(nonce, expectedNonce))
            return new(null, IdTokenProblem.NonceMismatch, "The id_token's nonce is not the one this browser's sign-in sent.");
        return new(token, IdTokenProblem.None, null);
    }

    /// <summary>
    /// The configuration after a requested refresh. This library version fetches it in the background, so reads keep
    /// returning the old document until the new one lands; wait for it briefly. When the manager declined the refresh
    /// (it allows one per refresh interval) the old document comes back after the wait and the token fails.
    /// </summary>
    private async Task<OpenIdConnectConfiguration> RefreshedConfigurationAsync(OpenIdConnectConfiguration stale, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + RefreshWait;
        while (true)
        {
            var current = await configuration.GetConfigurationAsync(cancellationToken);
            if (!ReferenceEquals(current, stale) || DateTime.UtcNow >= deadline) return current;
            await Task.Delay(50, cancellationToken);
        }
    }

    private Task<TokenValidationResult> ValidateAgainstAsync(string idToken, OpenIdConnectConfiguration config) =>
        handler.ValidateTokenAsync(idToken, new TokenValidationParameters
        {
            ValidIssuer = config.Issuer,
            ValidateIssuer = true,
            ValidAudience = clientId,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = ClockSkew,
            IssuerSigningKeys = config.SigningKeys,
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            ValidAlgorithms = AllowedAlgorithms,
        });

    private static IdTokenProblem Classify(Exception? exception) => exception switch
    {
        SecurityTokenInvalidIssuerException => IdTokenProblem.WrongIssuer,
        SecurityTokenInvalidAudienceException => IdTokenProblem.WrongAudience,
        SecurityTokenExpiredException or SecurityTokenNotYetValidException or SecurityTokenNoExpirationException => IdTokenProblem.Expired,
        SecurityTokenInvalidAlgorithmException => IdTokenProblem.DisallowedAlgorithm,
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => IdTokenProblem.BadSignature,
        _ => IdTokenProblem.Malformed,
    };

    private static bool NonceEquals(string presented, string expected) =>
        expected.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
}
