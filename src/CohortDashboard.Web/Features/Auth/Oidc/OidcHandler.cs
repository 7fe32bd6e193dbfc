using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace CohortDashboard.Web.Features.Auth.Oidc;

public sealed class OidcOptions : OAuthOptions
{
    /// <summary>
    /// The framework's OAuth checks demand fixed endpoints and a client secret. Ours come from discovery at use, and a
    /// public client (PKCE alone) has no secret, so only what we really need is checked here.
    /// </summary>
    public override void Validate()
    {
        if (string.IsNullOrEmpty(ClientId)) throw new ArgumentException("The OpenID Connect client id is missing.", nameof(ClientId));
        if (!CallbackPath.HasValue) throw new ArgumentException("The OpenID Connect callback path is missing.", nameof(CallbackPath));
    }
}

/// <summary>
/// OpenID Connect sign-in (authorization code + PKCE) on the framework's OAuth handler, which already gives us the
/// correlation cookie, <c>state</c> (the authentication properties, encrypted with data protection), the callback and
/// the sign-in into the cookie scheme. We add what OAuth lacks: endpoints from discovery, a nonce, and id_token
/// validation and mapping instead of a user-info call.
/// </summary>
public sealed class OidcHandler(
    IOptionsMonitor<OidcOptions> options, ILoggerFactory logger, UrlEncoder encoder, OidcProvider provider)
    : OAuthHandler<OidcOptions>(options, logger, encoder)
{
    /// <summary>
    /// The nonce travels in the authentication properties, which go to the provider inside the encrypted <c>state</c>
    /// and are accepted back only together with this browser's correlation cookie; so a token minted for another
    /// browser's sign-in (or replayed) carries a nonce that does not match.
    /// </summary>
    internal const string NonceKey = ".oidc.nonce";

    /// <summary>An optional <c>prompt</c> (e.g. <c>login</c>, to sign in as someone else), only for this challenge.</summary>
    internal const string PromptParameter = "prompt";

    private OpenIdConnectConfiguration? discovered;

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        try
        {
            discovered = await provider.GetConfigurationAsync(Context.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Logger.LogWarning(ex, "OpenID Connect discovery at {Address} failed.", provider.Settings.MetadataAddress);
            Response.Redirect(Request.PathBase + "/signin?error=" + OidcSignInException.ProviderUnavailable);
            return;
        }
        properties.Items[NonceKey] = RandomToken();
        await base.HandleChallengeAsync(properties);
    }

    protected override string BuildChallengeUrl(AuthenticationProperties properties, string redirectUri)
    {
        var endpoint = discovered?.AuthorizationEndpoint;
        if (string.IsNullOrEmpty(endpoint)) throw new InvalidOperationException("The provider's discovery document has no authorization endpoint.");

        // PKCE (S256): the verifier rides in the protected state and is sent with the code; the provider only ever
        // sees its hash here, so a stolen code is useless without this browser's state.
        var verifier = RandomToken();
        properties.Items[OAuthConstants.CodeVerifierKey] = verifier;
        var challenge = WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

        var parameters = new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = Options.ClientId,
            ["redirect_uri"] = redirectUri,
            ["scope"] = FormatScope(),
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = OAuthConstants.CodeChallengeMethodS256,
            ["nonce"] = properties.Items[NonceKey],
        };
        if (properties.GetParameter<string>(PromptParameter) is { Length: > 0 } prompt) parameters["prompt"] = prompt;
        // Last, so the state carries the verifier and the nonce.
        parameters["state"] = Options.StateDataFormat.Protect(properties);
        return QueryHelpers.AddQueryString(endpoint, parameters);
    }

    protected override async Task<OAuthTokenResponse> ExchangeCodeAsync(OAuthCodeExchangeContext context)
    {
        OpenIdConnectConfiguration config;
        try
        {
            config = await provider.GetConfigurationAsync(Context.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return OAuthTokenResponse.Failed(new OidcSignInException(OidcSignInException.ProviderUnavailable, "Discovery failed: " + ex.Message));
        }

        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = context.Code,
            ["redirect_uri"] = context.RedirectUri,
            ["client_id"] = Options.ClientId,
        };
        if (!string.IsNullOrEmpty(Options.ClientSecret)) form["client_secret"] = Options.ClientSecret;
        if (context.Properties.Items.Remove(OAuthConstants.CodeVerifierKey, out var verifier) && verifier is not null)
            form["code_verifier"] = verifier;

        using var request = new HttpRequestMessage(HttpMethod.Post, config.TokenEndpoint) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await Backchannel.SendAsync(request, Context.RequestAborted);
        var body = await response.Content.ReadAsStringAsync(Context.RequestAborted);
        if (!response.IsSuccessStatusCode)
            return OAuthTokenResponse.Failed(new OidcSignInException(OidcSignInException.Failed,
                $"The token endpoint answered {(int)response.StatusCode}: {Truncate(body)}"));
        return OAuthTokenResponse.Success(JsonDocument.Parse(body));
    }

    protected override async Task<AuthenticationTicket> CreateTicketAsync(ClaimsIdentity identity, AuthenticationProperties properties, OAuthTokenResponse tokens)
    {
        var idToken = tokens.Response?.RootElement.TryGetProperty(OpenIdConnectParameterNames.IdToken, out var value) == true ? value.GetString() : null;
        if (string.IsNullOrEmpty(idToken))
            throw new OidcSignInException(OidcSignInException.TokenRejected, "The token response has no id_token (is 'openid' among the scopes?).");
        properties.Items.Remove(NonceKey, out var nonce);

        var validation = await provider.Validator.ValidateAsync(idToken, nonce ?? "", Context.RequestAborted);
        if (!validation.IsValid)
            throw validation.Problem == IdTokenProblem.ProviderUnavailable
                ? new OidcSignInException(OidcSignInException.ProviderUnavailable, "Discovery failed: " + validation.Detail)
                : new OidcSignInException(OidcSignInException.TokenRejected, $"id_token rejected ({validation.Problem}): {validation.Detail}");

        var ours = await OidcUserMapper.MapAsync(validation.Token!, provider.Settings, Context.RequestServices, Context.RequestAborted);

        // Only the id_token is kept in the cookie: sign-out hands it to the provider as id_token_hint. We call no
        // provider API, so the access token is not worth the cookie's size or the exposure.
        properties.StoreTokens([new AuthenticationToken { Name = OpenIdConnectParameterNames.IdToken, Value = idToken }]);
        return new AuthenticationTicket(new ClaimsPrincipal(ours), properties, Scheme.Name);
    }

    private static string RandomToken() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
