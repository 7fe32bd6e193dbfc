using System.Net;

namespace CohortDashboard.Web.Features.Auth.Oidc;

/// <summary>
/// The identity provider, as configured under <c>Authentication:Oidc</c>. Read and checked once at start-up so a
/// half-configured provider stops the app with a clear message instead of failing at the first sign-in.
/// </summary>
public sealed record OidcSettings
{
    public required Uri Authority { get; init; }
    public required string ClientId { get; init; }
    /// <summary>Empty for a public client (PKCE alone); otherwise sent to the token endpoint.</summary>
    public string? ClientSecret { get; init; }
    public string Scopes { get; init; } = "openid profile";
    public string RoleClaim { get; init; } = "role";
    public string OrgClaim { get; init; } = "org";
    public string NameClaim { get; init; } = "name";
    public string OwnerClaim { get; init; } = "owner_id";
    public string? DisplayName { get; init; }
    /// <summary><c>query</c> (default) or <c>form_post</c>: how the provider returns the code to <c>/signin-oidc</c>.</summary>
    public string ResponseMode { get; init; } = "query";
    /// <summary>Discovery and keys only over https, except for a loopback provider or while developing.</summary>
    public bool RequireHttpsMetadata { get; init; } = true;

    /// <summary>What the sign-in button calls the provider.</summary>
    public string ButtonName => string.IsNullOrWhiteSpace(DisplayName) ? Authority.Host : DisplayName;

    public string MetadataAddress => Authority.AbsoluteUri.TrimEnd('/') + "/.well-known/openid-configuration";

    /// <summary>Null when no authority is set (no identity provider); throws when one is set but unusable.</summary>
    public static OidcSettings? FromConfiguration(IConfiguration section, IHostEnvironment environment)
    {
        var authority = section["Authority"];
        if (string.IsNullOrWhiteSpace(authority)) return null;

        if (!Uri.TryCreate(authority.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            throw new InvalidOperationException($"Authentication:Oidc:Authority must be an absolute https URL; got '{authority}'.");
        // Plain http would let anyone on the path swap the provider's keys, so it is only for a provider on this
        // machine (tests) or while developing.
        if (uri.Scheme == Uri.UriSchemeHttp && !environment.IsDevelopment() && !IsLoopback(uri))
            throw new InvalidOperationException(
                $"Authentication:Oidc:Authority '{authority}' is not https. Outside Development only https (or a loopback address) is accepted.");

        var clientId = section["ClientId"];
        if (string.IsNullOrWhiteSpace(clientId))
            throw new InvalidOperationException("Authentication:Oidc:Authority is set but Authentication:Oidc:ClientId is missing.");

        var settings = new OidcSettings
        {
            Authority = uri,
            ClientId = clientId.Trim(),
            ClientSecret = NullIfBlank(section["ClientSecret"]),
            DisplayName = NullIfBlank(section["DisplayName"]),
            RequireHttpsMetadata = !environment.IsDevelopment() && !IsLoopback(uri),
        };
        var responseMode = NullIfBlank(section["ResponseMode"])?.ToLowerInvariant() ?? settings.ResponseMode;
        if (responseMode is not ("query" or "form_post"))
            throw new InvalidOperationException($"Authentication:Oidc:ResponseMode must be 'query' or 'form_post'; got '{responseMode}'.");
        return settings with
        {
            ResponseMode = responseMode,
            Scopes = NullIfBlank(section["Scopes"]) ?? settings.Scopes,
            RoleClaim = NullIfBlank(section["RoleClaim"]) ?? settings.RoleClaim,
            OrgClaim = NullIfBlank(section["OrgClaim"]) ?? settings.OrgClaim,
            NameClaim = NullIfBlank(section["NameClaim"]) ?? settings.NameClaim,
            OwnerClaim = NullIfBlank(section["OwnerClaim"]) ?? settings.OwnerClaim,
        };
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
