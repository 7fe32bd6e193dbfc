using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using CohortDashboard.Analytics.Expansion;
using CohortDashboard.Data.Model;
using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Platform;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CohortDashboard.Web.Features.Expansion;

/// <summary>Query options of GET /api/expansion/affinity.</summary>
public sealed record AffinityQuery([FromQuery(Name = "segment")] string? Segment);

/// <summary>Query options of GET /api/expansion/signals (seed filters plus page / page_size).</summary>
public sealed record SignalQuery(
    [FromQuery(Name = "account_id")] string? AccountId,
    [FromQuery(Name = "status")] string? Status,
    [FromQuery(Name = "priority")] string? Priority,
    [FromQuery(Name = "product_id")] string? ProductId,
    [FromQuery(Name = "page")] string? Page,
    [FromQuery(Name = "page_size")] string? PageSize);

/// <summary>The Pillar expansion API (seed 002) over <see cref="ExpansionService"/> and <see cref="SignalStatusService"/>.</summary>
public static class ExpansionEndpoints
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 500;

    public static IEndpointRouteBuilder MapExpansionApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/expansion").WithTags("Expansion").AcceptsJsonOnly();

        group.MapGet("/affinity", GetAffinityAsync).RequireAuthorization(Policies.Scope(ApiScopes.ExpansionRead)).WithName("GetAffinity");
        group.MapPost("/affinity", RecomputeAffinityAsync)
            .RequireAuthorization(Policies.AdminOrScope(ApiScopes.ExpansionWrite)).WithName("RecomputeAffinity");
        group.MapGet("/signals", GetSignalsAsync).RequireAuthorization(Policies.Scope(ApiScopes.ExpansionRead)).WithName("GetSignals");
        group.MapPost("/signals", GenerateSignalsAsync)
            .RequireAuthorization(Policies.AdminOrScope(ApiScopes.ExpansionWrite)).WithName("GenerateSignals");
        group.MapPatch("/signals", PatchSignalAsync).RequireAuthorization(Policies.Scope(ApiScopes.ExpansionWrite)).WithName("UpdateSignalStatus");
        return app;
    }

    private static async Task<Results<Ok<AffinityResponse>, ValidationProblem>> GetAffinityAsync(
        [AsParameters] AffinityQuery query, ExpansionService service, CancellationToken ct)
    {
        string? segment = null;
        if (query.Segment is not null)
        {
            if (string.Equals(query.Segment, AffinitySegments.All, StringComparison.OrdinalIgnoreCase)) segment = AffinitySegments.All;
            else if (EnumNames.TryParseSegment(query.Segment, out var parsed)) segment = parsed.ToWire();
            else return QueryValues.Invalid("segment", $"Unknown segment '{Analytics.UntrustedText.Echo(query.Segment)}'; use one of: {string.Join(", ", ExpansionService.SegmentChoices)}.");
        }
        return TypedResults.Ok(await service.GetAffinityAsync(segment, ct));
    }

    private static async Task<Results<Ok<AffinityRecomputeResponse>, ProblemHttpResult>> RecomputeAffinityAsync(
        ClaimsPrincipal user, ExpansionService service, CancellationToken ct)
    {
        var actor = Actor.From(user);
        if (!actor.MayRun) return AdminOnly();
        try
        {
            return TypedResults.Ok(await service.RecomputeAffinityAsync(actor, ct));
        }
        catch (JobBusyException busy)
        {
            return TypedResults.Problem(busy.Message, title: "Already running", statusCode: StatusCodes.Status409Conflict);
        }
    }

    private static async Task<Results<Ok<SignalsGenerateResponse>, ProblemHttpResult>> GenerateSignalsAsync(
        ClaimsPrincipal user, ExpansionService service, CancellationToken ct)
    {
        var actor = Actor.From(user);
        if (!actor.MayRun) return AdminOnly();
        try
        {
            return TypedResults.Ok(await service.GenerateSignalsAsync(actor, ct));
        }
        catch (JobBusyException busy)
        {
            return TypedResults.Problem(busy.Message, title: "Already running", statusCode: StatusCodes.Status409Conflict);
        }
        catch (ArgumentException invalid)
        {
            // The org's signal settings cannot be used (e.g. weights that do not sum to 1); nothing was written.
            return TypedResults.Problem(invalid.Message, title: "Invalid signal settings", statusCode: StatusCodes.Status422UnprocessableEntity);
        }
    }

    private static async Task<Results<Ok<SignalsResponse>, ValidationProblem>> GetSignalsAsync(
        [AsParameters] SignalQuery query, ExpansionService service, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var filter = new SignalFilter
        {
            AccountId = QueryValues.Id(query.AccountId, "account_id", errors, "an account id"),
            ProductId = QueryValues.Id(query.ProductId, "product_id", errors, "a product id"),
        };
        if (query.Status is not null)
        {
            if (SignalStatusService.TryParseStatus(query.Status, out var status)) filter = filter with { Status = status };
            else errors["status"] = [$"Unknown status '{Analytics.UntrustedText.Echo(query.Status)}'; use pending, pitched, won or dismissed."];
        }
        if (QueryValues.WholeNumber(query.Priority, "priority", 1, 5, errors) is { } priority) filter = filter with { Priority = priority };
        var page = QueryValues.WholeNumber(query.Page, "page", 1, int.MaxValue / MaxPageSize, errors) ?? 1;
        var pageSize = QueryValues.WholeNumber(query.PageSize, "page_size", 1, MaxPageSize, errors) ?? DefaultPageSize;
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Invalid query");

        var result = await service.GetSignalsAsync(filter, page, pageSize, ct);
        var products = await service.GetProductsAsync(ct);
        return TypedResults.Ok(new SignalsResponse(result.Signals, result.Kpi, products, page, pageSize, result.TotalCount,
            (long)page * pageSize < result.TotalCount));
    }

    /// <summary>
    /// Body <c>{"signal_id": "…", "status": "…"}</c> (signal_id as string or number; optional <c>expected_version</c>).
    /// 400 for a malformed body or status, 404 for an id this org does not have (another org's id included), 403 for an
    /// account manager on someone else's account, 409 when the signal changed since <c>expected_version</c> or a
    /// concurrent writer won.
    /// </summary>
    private static async Task<Results<Ok<SignalPatchResponse>, ValidationProblem, ProblemHttpResult>> PatchSignalAsync(
        HttpRequest request, ClaimsPrincipal user, SignalStatusService statuses, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadObjectAsync(request, """{"signal_id": "123", "status": "pitched"}""", ct);
        if (problem is not null) return QueryValues.Invalid(problem);

        var errors = new Dictionary<string, string[]>();
        long signalId = 0;
        if (!body.TryGetProperty("signal_id", out var idElement)) errors["signal_id"] = ["signal_id is required."];
        else if (!TryReadId(idElement, out signalId)) errors["signal_id"] = ["signal_id must be a signal id (a positive whole number, as string or number)."];

        SignalStatus status = default;
        if (!body.TryGetProperty("status", out var statusElement)) errors["status"] = ["status is required."];
        else if (statusElement.ValueKind != JsonValueKind.String || !SignalStatusService.TryParseStatus(statusElement.GetString(), out status))
            errors["status"] = ["status must be one of: pending, pitched, won, dismissed."];

        int? expectedVersion = null;
        if (body.TryGetProperty("expected_version", out var versionElement) && versionElement.ValueKind != JsonValueKind.Null)
        {
            if (versionElement.ValueKind == JsonValueKind.Number && versionElement.TryGetInt32(out var version)) expectedVersion = version;
            else errors["expected_version"] = ["expected_version must be a whole number."];
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Invalid request");

        var result = await statuses.ChangeStatusAsync(signalId, status, expectedVersion, Actor.From(user), ct);
        return result.Outcome switch
        {
            StatusChangeOutcome.Changed or StatusChangeOutcome.Unchanged => TypedResults.Ok(new SignalPatchResponse(true, result.Signal!)),
            StatusChangeOutcome.NotFound => TypedResults.Problem("No signal with that id.", title: "Not found", statusCode: StatusCodes.Status404NotFound),
            StatusChangeOutcome.Forbidden => TypedResults.Problem(result.Message, title: "Forbidden", statusCode: StatusCodes.Status403Forbidden),
            _ => TypedResults.Problem(result.Message, title: "Conflict", statusCode: StatusCodes.Status409Conflict,
                extensions: new Dictionary<string, object?> { ["signal"] = result.Signal }),
        };
    }

    // Checked here rather than by a policy so the 403 carries a ProblemDetails body (an empty policy 403 on a POST is
    // re-executed by the status-code pages middleware).
    private static ProblemHttpResult AdminOnly() =>
        TypedResults.Problem("Recomputing affinity and generating signals is for admins (or API keys with expansion:write).",
            title: "Forbidden", statusCode: StatusCodes.Status403Forbidden);

    private static bool TryReadId(JsonElement element, out long id)
    {
        id = 0;
        var ok = element.ValueKind switch
        {
            JsonValueKind.Number => element.TryGetInt64(out id),
            JsonValueKind.String => long.TryParse(element.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out id),
            _ => false,
        };
        return ok && id > 0;
    }
}

public static class ExpansionExtensions
{
    public static IServiceCollection AddExpansion(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SignalBoardNotifier>();
        services.TryAddSingleton<OrgJobs>();
        services.AddScoped<ExpansionService>();
        services.AddScoped<SignalStatusService>();
        services.AddHostedService<ExpansionDemoSeed>();
        return services;
    }

    public static WebApplication MapExpansion(this WebApplication app)
    {
        app.MapExpansionApi();
        return app;
    }
}
