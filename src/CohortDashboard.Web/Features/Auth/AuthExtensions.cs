using System.Security.Claims;
using CohortDashboard.Data;
using CohortDashboard.Data.Tenancy;
using CohortDashboard.Web.Features.Auth.Oidc;
using CohortDashboard.Web.Features.Platform;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Web.Features.Auth;

public static class AuthExtensions
{
    private const string SmartScheme = "CookieOrApiKey";

    public static IServiceCollection AddCohortAuth(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var methods = SignInMethods.Resolve(configuration, environment);
        services.AddSingleton(methods);

        services.AddAuthentication(SmartScheme)
            .AddPolicyScheme(SmartScheme, SmartScheme, options =>
                options.ForwardDefaultSelector = context => ApiKeyReader.HasKey(context.Request)
                    ? ApiKeyAuthentication.SchemeName
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.Cookie.Name = ".CohortDashboard.Auth";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
                options.LoginPath = "/signin";
                options.AccessDeniedPath = "/not-authorized";
                options.ExpireTimeSpan = TimeSpan.FromHours(12);
                options.SlidingExpiration = true;
                options.Events.OnRedirectToLogin = context => ApiAwareRedirect(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => ApiAwareRedirect(context, StatusCodes.Status403Forbidden);
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeys.ApiKeyHandler>(ApiKeyAuthentication.SchemeName, null);

        var authorization = services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Admin, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.Admin))
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        foreach (var scope in ApiScopes.All)
        {
            authorization.AddPolicy(Policies.Scope(scope), policy => policy.RequireAuthenticatedUser().RequireAssertion(context =>
                !CurrentUser.IsApiKey(context.User) || context.User.HasClaim(CohortClaims.Scope, scope)));
            authorization.AddPolicy(Policies.AdminOrScope(scope), policy => policy.RequireAuthenticatedUser().RequireAssertion(context =>
                CurrentUser.IsApiKey(context.User)
                    ? context.User.HasClaim(CohortClaims.Scope, scope)
                    : context.User.IsInRole(Roles.Admin)));
        }

        services.AddAuthentication().AddCohortOidc(methods, environment);
        services.AddCascadingAuthenticationState();
        services.AddScoped<CircuitHandler, OrgScopeCircuitHandler>();
        return services;
    }

    public static WebApplication UseCohortAuth(this WebApplication app)
    {
        var methods = app.Services.GetRequiredService<SignInMethods>();
        if (methods.Demo && !app.Environment.IsDevelopment())
            app.Logger.LogWarning("Demo sign-in is enabled outside Development (Auth:AllowDemo=true). Do not use it with real data.");

        app.UseAuthentication();
        app.Use(async (context, next) =>
        {
            // Every request acts for exactly the org its principal belongs to; the database context reads this.
            if (CurrentUser.OrgIdOf(context.User) is { } orgId)
                context.RequestServices.GetRequiredService<OrgScope>().Set(orgId);
            await next(context);
        });
        app.UseAuthorization();
        return app;
    }

    public static WebApplication MapCohortAuth(this WebApplication app)
    {
        // Form-bound, so the antiforgery middleware validates the token the sign-in page renders.
        app.MapPost("/signin/demo", SignInDemoAsync).AllowAnonymous();
        app.MapCohortOidc();
        app.MapPost("/signout", async Task<IResult> (HttpContext context, IAntiforgery antiforgery) =>
        {
            // Validated here, not left to the middleware: it skips requests whose body is not a form.
            if (!await antiforgery.IsRequestValidAsync(context))
                return TypedResults.Problem(title: "Invalid antiforgery token", statusCode: StatusCodes.Status400BadRequest);
            var next = await context.RequestServices.GetRequiredService<OidcSignOut>().RedirectAfterSignOutAsync(context);
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.Redirect(next);
        }).DisableAntiforgery();
        app.MapGet("/api/me", (ClaimsPrincipal user) => TypedResults.Ok(new
        {
            subject = user.FindFirstValue(ClaimTypes.NameIdentifier),
            name = user.Identity?.Name,
            role = user.FindFirstValue(ClaimTypes.Role),
            org_id = user.FindFirstValue(CohortClaims.OrgId),
            org_name = user.FindFirstValue(CohortClaims.OrgName),
            scopes = user.FindAll(CohortClaims.Scope).Select(c => c.Value).ToArray(),
        }));
        return app;
    }

    private static async Task<IResult> SignInDemoAsync(
        [FromForm] string subject, [FromForm] string? returnUrl, HttpContext context, SignInMethods methods)
    {
        if (!methods.Demo) return TypedResults.NotFound();

        // Sign-in happens before any org is known, so this one lookup spans orgs, explicitly.
        await using var db = DatabaseInitializer.CreateSystemContext(context.RequestServices);
        var membership = await db.OrgMemberships.AsNoTracking()
            .FirstOrDefaultAsync(m => m.Subject == subject && m.Subject.StartsWith("demo-"), context.RequestAborted);
        if (membership is null) return TypedResults.LocalRedirect("/signin?error=unknown-user");
        var orgName = await db.Organizations.Where(o => o.Id == membership.OrgId).Select(o => o.Name).FirstAsync(context.RequestAborted);

        var identity = CurrentUser.CreateIdentity(membership, orgName, CookieAuthenticationDefaults.AuthenticationScheme);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return TypedResults.LocalRedirect(IsLocalUrl(returnUrl) ? returnUrl! : "/");
    }

    internal static bool IsLocalUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));

    private static Task ApiAwareRedirect(RedirectContext<CookieAuthenticationOptions> context, int apiStatus)
    {
        if (ApiPaths.IsApi(context.Request.Path)) context.Response.StatusCode = apiStatus;
        else context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}

/// <summary>Sets a circuit's org scope from its user, since a circuit's services are not the HTTP request's.</summary>
internal sealed class OrgScopeCircuitHandler(AuthenticationStateProvider authentication, OrgScope scope) : CircuitHandler
{
    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        var state = await authentication.GetAuthenticationStateAsync();
        if (CurrentUser.OrgIdOf(state.User) is { } orgId) scope.Set(orgId);
    }
}
