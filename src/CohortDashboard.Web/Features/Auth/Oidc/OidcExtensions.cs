using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace CohortDashboard.Web.Features.Auth.Oidc;

public static class OidcDefaults
{
    public const string Scheme = "oidc";
    public const string CallbackPath = "/signin-oidc";
}

public static class OidcExtensions
{
    private const string BlockingConfigurationRefreshSwitch = "Switch.Microsoft.IdentityModel.UpdateConfigAsBlocking";

    /// <summary>
    /// Registers the framework's OpenID Connect handler when an identity provider is configured (authorization code +
    /// PKCE; the handler does discovery, keys and their rotation, state, nonce and every id_token check), and the
    /// sign-out helper either way.
    /// </summary>
    public static AuthenticationBuilder AddCohortOidc(this AuthenticationBuilder builder, SignInMethods methods, IHostEnvironment environment)
    {
        builder.Services.AddSingleton<OidcSignOut>();
        if (methods.Oidc is not { } settings) return builder;

        // A provider's key rotation must not cost anyone a sign-in. When an id_token is signed with a key we have not
        // seen, the token handler asks the configuration manager for a refresh and validates once more with what it gets
        // back. IdentityModel 8.x refreshes in the background by default, so that second try still sees the old keys and
        // the sign-in fails; this switch (IdentityModel's own) makes the refresh fetch before answering.
        AppContext.SetSwitch(BlockingConfigurationRefreshSwitch, true);

        return builder.AddOpenIdConnect(OidcDefaults.Scheme, settings.ButtonName, options =>
        {
            options.Authority = settings.Authority.AbsoluteUri;
            options.MetadataAddress = settings.MetadataAddress;
            options.RequireHttpsMetadata = settings.RequireHttpsMetadata;
            options.ClientId = settings.ClientId;
            options.ClientSecret = settings.ClientSecret;
            options.ResponseType = OpenIdConnectResponseType.Code;
            options.ResponseMode = settings.ResponseMode;
            options.UsePkce = true;
            options.CallbackPath = OidcDefaults.CallbackPath;
            options.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            options.Scope.Clear();
            foreach (var scope in settings.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries)) options.Scope.Add(scope);
            if (!options.Scope.Contains("openid")) options.Scope.Add("openid");
            // Our claims come from the id_token; claim types stay as issued so the configured claim names match.
            options.GetClaimsFromUserInfoEndpoint = false;
            options.MapInboundClaims = false;
            // Only the id_token is kept (sign-out's id_token_hint, see OnTokenValidated): we call no provider API.
            options.SaveTokens = false;
            // Tokens must come from the configured authority itself, whatever its discovery document says.
            var issuer = settings.Authority.AbsoluteUri.TrimEnd('/');
            options.TokenValidationParameters.ValidIssuers = [issuer, issuer + "/"];
            options.TokenHandler = new SignedTokensOnly();
            // A refresh asked for within this long of the last fetch is ignored (default 5 minutes, which would refuse a
            // rotation soon after any other refresh). Only id_tokens from the provider's own token endpoint can ask for
            // one, so the floor of one fetch a second bounds the cost.
            options.RefreshInterval = BaseConfigurationManager.MinimumRefreshInterval;

            // The provider returns with a top-level GET (query mode), which SameSite=Lax cookies survive; form_post is
            // a cross-site POST and needs SameSite=None. Secure like our auth cookie (plain http only while developing).
            var sameSite = settings.ResponseMode == OpenIdConnectResponseMode.FormPost ? SameSiteMode.None : SameSiteMode.Lax;
            var secure = environment.IsDevelopment() && sameSite != SameSiteMode.None ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            options.CorrelationCookie.SameSite = options.NonceCookie.SameSite = sameSite;
            options.CorrelationCookie.SecurePolicy = options.NonceCookie.SecurePolicy = secure;

            options.Events.OnTokenValidated = MapUserAsync;
            options.Events.OnRemoteFailure = RedirectToErrorPage;
            options.Events.OnRedirectToIdentityProviderForSignOut = context =>
            {
                // The registered post-logout URI is our sign-in page (as before the handler), not the handler's callback.
                context.ProtocolMessage.PostLogoutRedirectUri = OidcSignOut.PostLogoutRedirectUri(context.Request);
                return Task.CompletedTask;
            };
        });
    }

    /// <summary>The handler has validated the id_token; turn its claims into ours, or refuse the person.</summary>
    private static async Task MapUserAsync(TokenValidatedContext context)
    {
        var settings = context.HttpContext.RequestServices.GetRequiredService<SignInMethods>().Oidc!;
        try
        {
            var ours = await OidcUserMapper.MapAsync(context.Principal!, settings, context.HttpContext.RequestServices, context.HttpContext.RequestAborted);
            context.Principal = new System.Security.Claims.ClaimsPrincipal(ours);
        }
        catch (OidcSignInException refused)
        {
            context.Fail(refused);
            return;
        }
        var idToken = context.TokenEndpointResponse?.IdToken ?? context.ProtocolMessage?.IdToken;
        if (!string.IsNullOrEmpty(idToken))
            context.Properties!.StoreTokens([new AuthenticationToken { Name = OpenIdConnectParameterNames.IdToken, Value = idToken }]);
    }

    /// <summary>Every failed sign-in ends on a page that says what happened, never a 500; the reason goes to the log.</summary>
    private static Task RedirectToErrorPage(RemoteFailureContext context)
    {
        var failure = context.Failure;
        var target = failure switch
        {
            OidcNoAccessException noAccess => "/no-access?reason=" + noAccess.Code,
            OidcSignInException signIn => "/signin?error=" + signIn.Code,
            SecurityTokenException or OpenIdConnectProtocolException => "/signin?error=" + OidcSignInException.TokenRejected,
            HttpRequestException or { InnerException: HttpRequestException } => "/signin?error=" + OidcSignInException.ProviderUnavailable,
            _ => "/signin?error=" + OidcSignInException.Failed,
        };
        context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcExtensions))
            .LogWarning("OpenID Connect sign-in refused: {Failure}: {Reason}", failure?.GetType().Name, failure?.Message);
        context.Response.Redirect(context.Request.PathBase + target);
        context.HandleResponse();
        return Task.CompletedTask;
    }

    /// <summary><c>POST /signin/oidc</c>: starts the provider sign-in (antiforgery-checked form, local return URLs only).</summary>
    public static WebApplication MapCohortOidc(this WebApplication app)
    {
        app.MapPost("/signin/oidc", async Task<IResult> (HttpContext context, IAntiforgery antiforgery, SignInMethods methods, OidcSignOut provider) =>
        {
            if (methods.Oidc is null) return TypedResults.NotFound();
            var (form, problem) = await SignInForms.ReadAsync(context, antiforgery);
            if (problem is not null) return problem;
            // Discovery first, so an unreachable provider is a message on the sign-in page rather than an error page.
            if (await provider.ConfigurationAsync(context) is null)
                return TypedResults.Redirect(context.Request.PathBase + "/signin?error=" + OidcSignInException.ProviderUnavailable);
            var properties = new AuthenticationProperties { RedirectUri = ReturnUrls.LocalOrRoot(form!["returnUrl"]) };
            // Only "login" (sign in as someone else) is passed on; anything else is ignored.
            if (form["prompt"] == "login") properties.SetParameter(OpenIdConnectParameterNames.Prompt, "login");
            return TypedResults.Challenge(properties, [OidcDefaults.Scheme]);
        }).AllowAnonymous().DisableAntiforgery();
        return app;
    }
}

/// <summary>The provider's end-session endpoint, for <c>/signout</c> and the no-access page.</summary>
public sealed class OidcSignOut(SignInMethods methods, IServiceProvider services, ILogger<OidcSignOut> logger)
{
    /// <summary>Where the provider comes back to after ending its session; registered with the provider.</summary>
    public static string PostLogoutRedirectUri(HttpRequest request) =>
        $"{request.Scheme}://{request.Host}{request.PathBase}/signin";

    /// <summary>The provider's discovery document through the handler's cache, or null when it cannot be read.</summary>
    public async Task<OpenIdConnectConfiguration?> ConfigurationAsync(HttpContext context)
    {
        if (methods.Oidc is null) return null;
        var options = services.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(OidcDefaults.Scheme);
        try
        {
            return await options.ConfigurationManager!.GetConfigurationAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not read the identity provider's discovery document.");
            return null;
        }
    }

    /// <summary>True when this cookie session came from the provider (it holds the id_token sign-out hands back).</summary>
    public async Task<bool> SignedInThroughProviderAsync(HttpContext context)
    {
        if (methods.Oidc is null) return false;
        var cookie = await context.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return !string.IsNullOrEmpty(cookie.Properties?.GetTokenValue(OpenIdConnectParameterNames.IdToken))
            && await ConfigurationAsync(context) is { EndSessionEndpoint.Length: > 0 };
    }

    /// <summary>
    /// The provider's end-session URL for someone we refused (no id_token to hint with: the client id says who asks),
    /// or null when the provider has none or cannot be reached.
    /// </summary>
    public async Task<string?> AnonymousEndSessionUrlAsync(HttpContext context)
    {
        if (await ConfigurationAsync(context) is not { EndSessionEndpoint.Length: > 0 } config) return null;
        return QueryHelpers.AddQueryString(config.EndSessionEndpoint, new Dictionary<string, string?>
        {
            ["client_id"] = methods.Oidc!.ClientId,
            ["post_logout_redirect_uri"] = PostLogoutRedirectUri(context.Request),
        });
    }
}
