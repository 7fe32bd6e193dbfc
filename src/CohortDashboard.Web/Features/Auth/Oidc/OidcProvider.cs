using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace CohortDashboard.Web.Features.Auth.Oidc;

/// <summary>
/// Our one connection to the identity provider: its discovery document and signing keys (cached and refreshed by a
/// <see cref="ConfigurationManager{T}"/>), the id_token validator over them, and the end-session URL.
/// One per app, so every request shares the cached keys.
/// </summary>
public sealed class OidcProvider : IDisposable
{
    private readonly HttpClient http;

    public OidcProvider(OidcSettings settings)
    {
        Settings = settings;
        http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        // Discovery is fetched lazily at the first sign-in, not at start-up, so the app starts even while the
        // provider is briefly unreachable. Plain http is allowed only for an http authority, which start-up has
        // already limited to loopback or Development (OidcSettings).
        Configuration = new ConfigurationManager<OpenIdConnectConfiguration>(
            settings.MetadataAddress,
            new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(http) { RequireHttps = settings.RequireHttps });
        Validator = new IdTokenValidator(Configuration, settings.ClientId);
    }

    public OidcSettings Settings { get; }

    public ConfigurationManager<OpenIdConnectConfiguration> Configuration { get; }

    public IdTokenValidator Validator { get; }

    /// <summary>
    /// The discovery document, refused unless its issuer is the configured authority (OpenID Connect Discovery
    /// §4.3): a document naming another issuer would make us accept that issuer's tokens.
    /// </summary>
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancellationToken)
    {
        var config = await Configuration.GetConfigurationAsync(cancellationToken);
        if (!string.Equals(config.Issuer?.TrimEnd('/'), Settings.Authority.AbsoluteUri.TrimEnd('/'), StringComparison.Ordinal))
            throw new InvalidOperationException(
                $"The discovery document at {Settings.MetadataAddress} names issuer '{config.Issuer}', not the configured authority '{Settings.Authority}'.");
        return config;
    }

    /// <summary>Where the provider comes back to after ending its session; registered with the provider.</summary>
    public static string PostLogoutRedirectUri(HttpRequest request) =>
        $"{request.Scheme}://{request.Host}{request.PathBase}/signin";

    /// <summary>
    /// The provider's end-session URL (RP-initiated logout), or null when it has none or cannot be reached (the
    /// local sign-out has happened either way). Without an id_token (a user we refused) the client id says who asks.
    /// </summary>
    public async Task<string?> EndSessionUrlAsync(HttpContext context, string? idTokenHint)
    {
        OpenIdConnectConfiguration config;
        try
        {
            config = await GetConfigurationAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            context.RequestServices.GetRequiredService<ILogger<OidcProvider>>()
                .LogWarning(ex, "Could not read the identity provider's discovery document for sign-out.");
            return null;
        }
        if (string.IsNullOrEmpty(config.EndSessionEndpoint)) return null;

        var parameters = new Dictionary<string, string?>
        {
            ["client_id"] = Settings.ClientId,
            ["post_logout_redirect_uri"] = PostLogoutRedirectUri(context.Request),
        };
        if (!string.IsNullOrEmpty(idTokenHint)) parameters["id_token_hint"] = idTokenHint;
        return QueryHelpers.AddQueryString(config.EndSessionEndpoint, parameters);
    }

    public void Dispose() => http.Dispose();
}
