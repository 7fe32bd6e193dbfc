using System.Security.Claims;
using CohortDashboard.Data;
using CohortDashboard.Data.Tenancy;
using CohortDashboard.Web.Features.Auth.Oidc;
using CohortDashboard.Web.Features.Auth.Sessions;
using CohortDashboard.Web.Features.Platform;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CohortDashboard.Web.Features.Auth;

public static class AuthExtensions
{
    private const string SmartScheme = "CookieOrApiKey";

    public static IServiceCollection AddCohortAuth(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var methods = SignInMethods.Resolve(configuration, environment);
        services.AddSingleton(methods);
        var lifetime = SessionLifetime.Read(configuration);
        services.AddSingleton(lifetime);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AuthSessionStore>();
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<AuthSessionStore>((options, store) => options.SessionStore = store);

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
                // The cookie holds only a session id; the session (and its sliding and absolute expiry) is in the
                // database (AuthSessionStore, wired above), so signing out ends it for every copy of the cookie.
                options.ExpireTimeSpan = lifetime.Idle;
                options.SlidingExpiration = true;
                options.Events.OnRedirectToLogin = context => ApiAwareRedirect(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => ApiAwareRedirect(context, StatusCodes.Status403Forbidden);
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeys.ApiKeyHandler>(ApiKeyAuthentication.SchemeName, null);

        var authorization = services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Admin, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.Admin))
            .AddPolicy(Policies.AdminOrApiKey, policy => policy.RequireAuthenticatedUser().RequireAssertion(context =>
                CurrentUser.IsApiKey(context.User) || context.User.IsInRole(Roles.Admin)))
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
        services.AddScoped<AuthenticationStateProvider, SessionRevalidatingStateProvider>();
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
        app.UseCrossSiteWriteCheck();
        app.UseAuthorization();
        return app;
    }

    public static WebApplication MapCohortAuth(this WebApplication app)
    {
        // Forms read by hand (SignInForms): a stale token or a broken body is a plain 400 page, never an exception.
        app.MapPost("/signin/demo", SignInDemoAsync).AllowAnonymous().DisableAntiforgery();
        app.MapCohortOidc();
        app.MapSessions();
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

    /// <summary>
    /// Who may read the OpenAPI document and <c>/version</c>: anyone when <c>Auth:AnonymousDiagnostics</c> is true (the
    /// default in Development), else a signed-in admin or an API key.
    /// </summary>
    public static TBuilder RequireDiagnosticsAccess<TBuilder>(this TBuilder builder, IConfiguration configuration, IHostEnvironment environment)
        where TBuilder : IEndpointConventionBuilder =>
        configuration.GetValue("Auth:AnonymousDiagnostics", environment.IsDevelopment())
            ? builder.AllowAnonymous()
            : builder.RequireAuthorization(Policies.AdminOrApiKey);

    private static async Task<IResult> SignInDemoAsync(HttpContext context, IAntiforgery antiforgery, SignInMethods methods)
    {
        if (!methods.Demo) return TypedResults.NotFound();
        var (form, problem) = await SignInForms.ReadAsync(context, antiforgery);
        if (problem is not null) return problem;
        var subject = form!["subject"].ToString();
        if (subject.Length is 0 or > 256) return SignInForms.Page(SignInForms.Malformed);

        // Sign-in happens before any org is known, so this one lookup spans orgs, explicitly.
        await using var db = DatabaseInitializer.CreateSystemContext(context.RequestServices);
        var membership = await db.OrgMemberships.AsNoTracking()
            .FirstOrDefaultAsync(m => m.Subject == subject && m.Subject.StartsWith("demo-"), context.RequestAborted);
        if (membership is null) return TypedResults.LocalRedirect("/signin?error=unknown-user");
        var orgName = await db.Organizations.Where(o => o.Id == membership.OrgId).Select(o => o.Name).FirstAsync(context.RequestAborted);

        var identity = CurrentUser.CreateIdentity(membership, orgName, CookieAuthenticationDefaults.AuthenticationScheme);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return TypedResults.LocalRedirect(ReturnUrls.LocalOrRoot(form["returnUrl"]));
    }

    /// <summary>Machine-read like the API: a status code, not a sign-in page.</summary>
    private static bool IsDiagnostics(PathString path) => path.StartsWithSegments("/openapi") || path.Equals("/version");

    private static Task ApiAwareRedirect(RedirectContext<CookieAuthenticationOptions> context, int apiStatus)
    {
        if (ApiPaths.IsApi(context.Request.Path) || IsDiagnostics(context.Request.Path)) context.Response.StatusCode = apiStatus;
        // The handler builds an absolute URL from the request's Host header; only its path and query are ours to trust.
        else context.Response.Redirect(Uri.TryCreate(context.RedirectUri, UriKind.Absolute, out var absolute) ? absolute.PathAndQuery : context.RedirectUri);
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
