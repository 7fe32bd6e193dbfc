using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CohortDashboard.Web.Features.Auth.Oidc;

/// <summary>
/// The framework's token handler with one default changed. For an id_token from the token endpoint the OpenID Connect
/// handler turns off <see cref="TokenValidationParameters.RequireSignedTokens"/> (the spec allows trusting TLS there),
/// which would let an unsigned <c>alg: none</c> token through. We require a valid signature on every id_token; all
/// checking stays the framework's.
/// </summary>
internal sealed class SignedTokensOnly : JsonWebTokenHandler
{
    public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        // The handler passes a per-sign-in clone of the options' parameters, so this changes nothing shared.
        validationParameters.RequireSignedTokens = true;
        return base.ValidateTokenAsync(token, validationParameters);
    }
}
