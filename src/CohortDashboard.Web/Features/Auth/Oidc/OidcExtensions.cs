using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace CohortDashboard.Web.Features.Auth.Oidc;

public static class OidcDefaults
{
    public const string Scheme = "oidc";
    public const string CallbackPath = "/signin-oidc";
}

public static class OidcExtensions
{
    /// <summary>
    /// Registers OpenID Connect sign-in when an identity provider is configured, and the sign-out helper either way
    /// (it answers "just go to /signin" without a provider).
    /// </summary>
    public static AuthenticationBuilder AddCohortOidc(this AuthenticationBuilder builder, SignInMethods methods, IHostEnvironment environment)
    {
        builder.Services.AddSingleton<OidcSignOut>();
        if (methods.Oidc is not { } settings) return builder;

        builder.Services.AddSingleton(_ => new OidcProvider(settings)); // created by the container, so disposed with it
        return builder.AddOAuth<OidcOptions, OidcHandler>(OidcDefaults.Scheme, settings.ButtonName, options =>
        {
            options.ClientId = settings.ClientId;
            options.ClientSecret = settings.ClientSecret ?? "";
            options.CallbackPath = OidcDefaults.CallbackPath;
            options.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            options.UsePkce = true;
            options.SaveTokens = false; // the handler keeps just the id_token (see CreateTicketAsync)
            options.Scope.Clear();
            foreach (var scope in settings.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries)) options.Scope.Add(scope);
            if (!options.Scope.Contains("openid")) options.Scope.Add("openid");

            // The provider sends the browser back with a top-level GET, which SameSite=Lax cookies survive; Secure
            // like our auth cookie (plain http only while developing).
            options.CorrelationCookie.SameSite = SameSiteMode.Lax;
            options.CorrelationCookie.SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;

            options.Events.OnRemoteFailure = context =>
            {
                var failure = context.Failure;
                var target = failure switch
                {
                    OidcNoAccessException noAccess => "/no-access?reason=" + noAccess.Code,
                    OidcSignInException signIn => "/signin?error=" + signIn.Code,
                    _ => "/signin?error=" + OidcSignInException.Failed,
                };
                context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcHandler))
                    .LogWarning("OpenID Connect sign-in refused: {Reason}", failure?.Message);
                context.Response.Redirect(context.Request.PathBase + target);
                context.HandleResponse();
                return Task.CompletedTask;
            };
        });
    }

    /// <summary><c>POST /signin/oidc</c>: starts the provider sign-in (antiforgery-checked form, local return URLs only).</summary>
    public static WebApplication MapCohortOidc(this WebApplication app)
    {
        app.MapPost("/signin/oidc", IResult ([FromForm] string? returnUrl, [FromForm] string? prompt, SignInMethods methods) =>
        {
            if (methods.Oidc is null) return TypedResults.NotFound();
            var properties = new AuthenticationProperties { RedirectUri = AuthExtensions.IsLocalUrl(returnUrl) ? returnUrl : "/" };
            // Only "login" (sign in as someone else) is passed on; anything else is ignored.
            if (prompt == "login") properties.SetParameter(OidcHandler.PromptParameter, prompt);
            return TypedResults.Challenge(properties, [OidcDefaults.Scheme]);
        }).AllowAnonymous();
        return app;
    }
}

/// <summary>Where <c>/signout</c> sends the browser once our cookie is gone.</summary>
public sealed class OidcSignOut(SignInMethods methods, IServiceProvider services)
{
    /// <summary>
    /// The provider's end-session URL when the user signed in through it (so the provider's session ends too), else
    /// <c>/signin</c>. Call before signing out of the cookie: the id_token hint lives in it.
    /// </summary>
    public async Task<string> RedirectAfterSignOutAsync(HttpContext context)
    {
        var local = context.Request.PathBase + "/signin";
        if (methods.Oidc is null) return local;
        var cookie = await context.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        var idToken = cookie.Properties?.GetTokenValue("id_token");
        if (string.IsNullOrEmpty(idToken)) return local;
        return await services.GetRequiredService<OidcProvider>().EndSessionUrlAsync(context, idToken) ?? local;
    }
}
