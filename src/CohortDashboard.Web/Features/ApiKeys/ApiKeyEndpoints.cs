using System.Security.Claims;
using CohortDashboard.Web.Features.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CohortDashboard.Web.Features.ApiKeys;

/// <summary>
/// <c>/api/keys</c>: the same key management as Admin → API keys, for signed-in admins only (a key cannot mint or
/// revoke keys).
/// </summary>
public static class ApiKeyEndpoints
{
    public static IServiceCollection AddApiKeys(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ApiKeyQuota>();
        services.AddSingleton<ApiKeyLastUseWrites>();
        services.AddScoped<ApiKeyService>();
        return services;
    }

    public static WebApplication MapApiKeys(this WebApplication app)
    {
        var group = app.MapGroup("/api/keys").WithTags("API keys").RequireAuthorization(Policies.Admin).AcceptsJsonOnly();
        group.MapGet("", async (ApiKeyService keys, CancellationToken ct) => TypedResults.Ok(new { keys = await keys.ListAsync(ct) }))
            .WithName("ListApiKeys");
        group.MapPost("", CreateAsync).WithName("CreateApiKey");
        group.MapDelete("/{id:long}", RevokeAsync).WithName("RevokeApiKey");
        group.MapPatch("/{id:long}", SetQuotaAsync).WithName("SetApiKeyQuota");
        return app;
    }

    private static async Task<Results<Created<CreatedApiKey>, ValidationProblem>> CreateAsync(
        NewApiKeyRequest request, ClaimsPrincipal user, ApiKeyService keys, CancellationToken ct)
    {
        try
        {
            var created = await keys.CreateAsync(Actor.From(user).Subject, request, ct);
            return TypedResults.Created($"/api/keys/{created.ApiKey.Id}", created);
        }
        catch (ApiKeyValidationException invalid)
        {
            return TypedResults.ValidationProblem(invalid.Errors);
        }
    }

    private static async Task<Results<Ok<ApiKeyRecord>, ProblemHttpResult>> RevokeAsync(
        long id, ClaimsPrincipal user, ApiKeyService keys, CancellationToken ct) =>
        await keys.RevokeAsync(Actor.From(user).Subject, id, ct) is { } revoked ? TypedResults.Ok(revoked) : NoSuchKey(id);

    private static async Task<Results<Ok<ApiKeyRecord>, ProblemHttpResult, ValidationProblem>> SetQuotaAsync(
        long id, ApiKeyQuotaRequest request, ClaimsPrincipal user, ApiKeyService keys, CancellationToken ct)
    {
        try
        {
            return await keys.SetQuotaAsync(Actor.From(user).Subject, id, request, ct) is { } changed ? TypedResults.Ok(changed) : NoSuchKey(id);
        }
        catch (ApiKeyValidationException invalid)
        {
            return TypedResults.ValidationProblem(invalid.Errors);
        }
    }

    private static ProblemHttpResult NoSuchKey(long id) =>
        TypedResults.Problem($"There is no API key {id} in this organization.", title: "Not found", statusCode: StatusCodes.Status404NotFound);
}
