using System.Security.Claims;
using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Platform;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CohortDashboard.Web.Features.Settings;

/// <summary><c>GET/PUT /api/settings</c>: the current org's settings (SPEC §7), over <see cref="SettingsService"/>.</summary>
public static class SettingsEndpoints
{
    public const string ReadPolicy = "settings-read";
    private const string BodyExample = "{\"timezone\": \"Europe/Paris\", \"count_pending_orders\": true}";

    /// <summary>An API key may read the settings with any read scope or settings:write.</summary>
    private static readonly string[] ReadScopes =
        [ApiScopes.SettingsWrite, ApiScopes.ReadSummary, ApiScopes.AnalyticsRead, ApiScopes.CohortsRead, ApiScopes.ExpansionRead];

    public static IServiceCollection AddSettings(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SettingsRecompute>();
        services.AddScoped<SettingsService>();
        services.AddScoped<UsersService>();
        services.AddAuthorizationBuilder().AddPolicy(ReadPolicy, policy => policy.RequireAuthenticatedUser().RequireAssertion(context =>
            CurrentUser.IsApiKey(context.User)
                ? ReadScopes.Any(scope => context.User.HasClaim(CohortClaims.Scope, scope))
                : context.User.IsInRole(Roles.Admin)));
        return services;
    }

    public static WebApplication MapSettings(this WebApplication app)
    {
        var group = app.MapGroup("/api/settings").WithTags("Settings").AcceptsJsonOnly();
        group.MapGet("", GetAsync).RequireAuthorization(ReadPolicy).WithName("GetSettings");
        group.MapPut("", PutAsync).RequireAuthorization(Policies.AdminOrScope(ApiScopes.SettingsWrite)).WithName("UpdateSettings");
        return app;
    }

    private static async Task<Ok<OrgSettingsValues>> GetAsync(SettingsService service, CancellationToken ct) =>
        TypedResults.Ok(await service.GetAsync(ct));

    private static async Task<Results<Ok<OrgSettingsValues>, ValidationProblem>> PutAsync(
        HttpRequest request, ClaimsPrincipal user, SettingsService service, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadObjectAsync(request, BodyExample, ct);
        if (problem is not null) return QueryValues.Invalid(problem);
        var (values, errors) = SettingsRules.Patch(await service.GetAsync(ct), body);
        if (values is null) return TypedResults.ValidationProblem(errors, title: "Invalid settings");
        var result = await service.SaveAsync(Actor.From(user), values, ct);
        if (result.Errors is { } invalid) return TypedResults.ValidationProblem(invalid, title: "Invalid settings");
        // Read back: the answer shows what was stored (the database's scale for numbers), as GET will.
        return TypedResults.Ok(await service.GetAsync(ct));
    }
}
