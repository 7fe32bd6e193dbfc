using System.Security.Claims;
using CohortDashboard.Web.Features.Auth.Oidc;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace CohortDashboard.Web.Features.Auth.Sessions;

public static class SessionEndpoints
{
    /// <summary>
    /// <c>POST /signout</c> ends this session; <c>POST /signout/everywhere</c> every session of the signed-in person.
    /// Both delete the server-side session first (so the cookie is useless at once), then go through the provider's
    /// end-session endpoint when the session came from it, else back to <c>/signin</c>.
    /// </summary>
    public static WebApplication MapSessions(this WebApplication app)
    {
        app.MapPost("/signout", (HttpContext context, IAntiforgery antiforgery) => SignOutAsync(context, antiforgery, everywhere: false))
            .DisableAntiforgery();
        app.MapPost("/signout/everywhere", (HttpContext context, IAntiforgery antiforgery) => SignOutAsync(context, antiforgery, everywhere: true))
            .DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> SignOutAsync(HttpContext context, IAntiforgery antiforgery, bool everywhere)
    {
        var (_, problem) = await SignInForms.ReadAsync(context, antiforgery);
        if (problem is not null) return problem;

        var services = context.RequestServices;
        var provider = services.GetRequiredService<OidcSignOut>();
        // Read before the session goes: the id_token hint lives in it.
        var throughProvider = await provider.SignedInThroughProviderAsync(context);
        if (everywhere && CurrentUser.From(context.User) is { } user)
            await services.GetRequiredService<AuthSessionStore>().RemoveAllAsync(user.OrgId, user.Subject, context.RequestAborted);

        var redirected = false;
        if (throughProvider)
        {
            try
            {
                // Redirects to the provider's end-session endpoint with the id_token hint; it comes back to /signin.
                await context.SignOutAsync(OidcDefaults.Scheme, new AuthenticationProperties { RedirectUri = "/signin" });
                redirected = true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                services.GetRequiredService<ILogger<AuthSessionStore>>().LogWarning(ex, "Could not send the sign-out to the identity provider.");
            }
        }
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return redirected ? TypedResults.Empty : TypedResults.Redirect(context.Request.PathBase + "/signin");
    }
}

/// <summary>
/// A Blazor circuit keeps the user it started with; this checks every minute that their server-side session still
/// exists, so a circuit signed out elsewhere (or by "sign out everywhere") loses its user and goes back to sign-in.
/// </summary>
internal sealed class SessionRevalidatingStateProvider(ILoggerFactory loggerFactory, AuthSessionStore sessions)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken cancellationToken)
    {
        var user = state.User;
        if (user.Identity?.AuthenticationType != CookieAuthenticationDefaults.AuthenticationScheme) return true;
        return user.FindFirstValue(CohortClaims.SessionId) is { } id && await sessions.IsActiveAsync(id, cancellationToken);
    }
}
