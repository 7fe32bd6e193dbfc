using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using CohortDashboard.Analytics.AccountCohorts;
using CohortDashboard.Analytics.Filters;
using CohortDashboard.Data.Model;
using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Platform;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CohortDashboard.Web.Features.AccountCohorts;

public sealed record DefinitionsQuery([FromQuery(Name = "cohort_type")] string? CohortType);

public sealed record SnapshotsQuery(
    [FromQuery(Name = "cohort_id")] string? CohortId,
    [FromQuery(Name = "cohort_type")] string? CohortType,
    [FromQuery(Name = "from")] string? From,
    [FromQuery(Name = "to")] string? To);

public sealed record CurvesQuery([FromQuery(Name = "cohort_type")] string? CohortType, [FromQuery(Name = "months")] string? Months);

public sealed record AnomaliesQuery([FromQuery(Name = "cohort_type")] string? CohortType, [FromQuery(Name = "severity")] string? Severity);

public sealed record ComparisonQuery([FromQuery(Name = "cohort_type")] string? CohortType, [FromQuery(Name = "period")] string? Period);

/// <summary>The Pillar cohorts API (seed 000) and our additions under <c>/api/cohorts/…</c>, over <see cref="AccountCohortService"/>.</summary>
public static class AccountCohortEndpoints
{
    private const string CustomBodyExample = "{\"name\": \"Large SMB\", \"filter_criteria\": {\"and\": [{\"field\": \"account.segment\", \"op\": \"equals\", \"value\": \"SMB\"}]}}";

    public static IEndpointRouteBuilder MapAccountCohortApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/cohorts").WithTags("Account cohorts").AcceptsJsonOnly();
        var read = Policies.Scope(ApiScopes.CohortsRead);
        var write = Policies.AdminOrScope(ApiScopes.CohortsWrite);

        group.MapGet("/definitions", GetDefinitionsAsync).RequireAuthorization(read).WithName("GetCohortDefinitions");
        group.MapPost("/definitions", GenerateDefinitionsAsync).RequireAuthorization(write).WithName("GenerateCohortDefinitions");
        group.MapPost("/definitions/custom", CreateCustomAsync).RequireAuthorization(write).WithName("CreateCustomCohort");
        group.MapPost("/definitions/custom/preview", PreviewAsync).RequireAuthorization(read).WithName("PreviewCustomCohort");
        group.MapPut("/definitions/custom/{id}", UpdateCustomAsync).RequireAuthorization(write).WithName("UpdateCustomCohort");
        group.MapDelete("/definitions/custom/{id}", DeleteCustomAsync).RequireAuthorization(write).WithName("DeleteCustomCohort");
        group.MapPost("/snapshots/recompute", RecomputeAsync).RequireAuthorization(write).WithName("RecomputeCohortSnapshots");
        group.MapGet("/snapshots", GetSnapshotsAsync).RequireAuthorization(read).WithName("GetCohortSnapshots");
        group.MapGet("/vintage-curves", GetCurvesAsync).RequireAuthorization(read).WithName("GetVintageCurves");
        group.MapGet("/anomalies", GetAnomaliesAsync).RequireAuthorization(read).WithName("GetCohortAnomalies");
        group.MapGet("/comparison", GetComparisonAsync).RequireAuthorization(read).WithName("GetCohortComparison");
        return app;
    }

    private static async Task<Results<Ok<CohortDefinitionsResponse>, ValidationProblem>> GetDefinitionsAsync(
        [AsParameters] DefinitionsQuery query, AccountCohortService service, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var type = ParseType(query.CohortType, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Invalid query");
        return TypedResults.Ok(await service.GetDefinitionsAsync(type, ct));
    }

    private static async Task<Results<Ok<GenerateDefinitionsResponse>, ProblemHttpResult>> GenerateDefinitionsAsync(
        ClaimsPrincipal user, AccountCohortService service, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await service.GenerateDefinitionsAsync(Actor.From(user).Subject, ct));
        }
        catch (JobBusyException busy)
        {
            return Busy(busy);
        }
    }

    private static async Task<Results<Created<CohortDefinitionRecord>, ValidationProblem, ProblemHttpResult>> CreateCustomAsync(
        HttpRequest request, ClaimsPrincipal user, AccountCohortService service, CancellationToken ct)
    {
        var (body, invalid) = await ReadBodyAsync(request, ct);
        if (invalid is not null) return invalid;
        var result = await service.CreateCustomAsync(Actor.From(user).Subject, Name(body), Criteria(body), ct);
        if (result.Errors is { } errors) return TypedResults.ValidationProblem(errors, title: "Invalid custom cohort");
        return TypedResults.Created($"/api/cohorts/definitions?cohort_type=custom", result.Definition!);
    }

    private static async Task<Results<Ok<CohortDefinitionRecord>, ValidationProblem, ProblemHttpResult>> UpdateCustomAsync(
        string id, HttpRequest request, ClaimsPrincipal user, AccountCohortService service, CancellationToken ct)
    {
        if (!QueryValues.TryParseId(id, out var cohortId)) return NotFound();
        var (body, invalid) = await ReadBodyAsync(request, ct);
        if (invalid is not null) return invalid;
        var result = await service.UpdateCustomAsync(Actor.From(user).Subject, cohortId, Name(body), Criteria(body), ct);
        if (result.NotFound) return NotFound();
        if (result.Errors is { } errors) return TypedResults.ValidationProblem(errors, title: "Invalid custom cohort");
        return TypedResults.Ok(result.Definition!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteCustomAsync(
        string id, ClaimsPrincipal user, AccountCohortService service, CancellationToken ct)
    {
        if (!QueryValues.TryParseId(id, out var cohortId) || !await service.DeleteCustomAsync(Actor.From(user).Subject, cohortId, ct)) return NotFound();
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<PreviewResponse>, ValidationProblem>> PreviewAsync(
        HttpRequest request, AccountCohortService service, CancellationToken ct)
    {
        var (body, invalid) = await ReadBodyAsync(request, ct);
        if (invalid is not null) return invalid;
        if (Criteria(body) is not { } criteria)
            return QueryValues.Invalid("filter_criteria", "filter_criteria is required.");
        var (count, errors) = await service.PreviewAsync(criteria, ct);
        if (errors is not null) return TypedResults.ValidationProblem(errors, title: "Invalid filter");
        return TypedResults.Ok(new PreviewResponse(count!.Value));
    }

    private static async Task<Results<Ok<RecomputeResponse>, ProblemHttpResult>> RecomputeAsync(
        ClaimsPrincipal user, AccountCohortService service, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await service.RecomputeSnapshotsAsync(Actor.From(user).Subject, ct));
        }
        catch (JobBusyException busy)
        {
            return Busy(busy);
        }
    }

    private static async Task<Results<Ok<SnapshotsResponse>, ValidationProblem, ProblemHttpResult>> GetSnapshotsAsync(
        [AsParameters] SnapshotsQuery query, AccountCohortService service, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var cohortId = QueryValues.Id(query.CohortId, "cohort_id", errors, "a cohort definition id");
        var type = ParseType(query.CohortType, errors);
        var from = ParseMonth(query.From, "from", errors);
        var to = ParseMonth(query.To, "to", errors);
        if (from is { } f && to is { } t && f > t) errors["to"] = ["to must not be before from."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Invalid query");
        var result = await service.GetSnapshotsAsync(cohortId, type, from, to, ct);
        return result is null ? NotFound() : TypedResults.Ok(result);
    }

    private static async Task<Results<Ok<VintageCurvesResponse>, ValidationProblem>> GetCurvesAsync(
        [AsParameters] CurvesQuery query, AccountCohortService service, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var type = ParseType(query.CohortType, errors) ?? CohortType.Vintage;
        var months = QueryValues.WholeNumber(query.Months, "months", 1, AccountCohortService.MaxCurveMonths, errors) ?? AccountCohortService.MaxCurveMonths;
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Invalid query");
        return TypedResults.Ok(await service.GetVintageCurvesAsync(type, months, ct));
    }

    private static async Task<Results<Ok<AnomaliesResponse>, ValidationProblem>> GetAnomaliesAsync(
        [AsParameters] AnomaliesQuery query, AccountCohortService service, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var type = ParseType(query.CohortType, errors);
        AnomalySeverity? severity = query.Severity switch
        {
            null => null,
            "warning" => AnomalySeverity.Warning,
            "critical" => AnomalySeverity.Critical,
            _ => null,
        };
        if (query.Severity is not null and not ("warning" or "critical")) errors["severity"] = ["severity must be warning or critical."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Invalid query");
        return TypedResults.Ok(await service.GetAnomaliesAsync(type, severity, ct));
    }

    private static async Task<Results<Ok<ComparisonResponse>, ValidationProblem>> GetComparisonAsync(
        [AsParameters] ComparisonQuery query, AccountCohortService service, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var type = ParseType(query.CohortType, errors);
        var period = ParseMonth(query.Period, "period", errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Invalid query");
        return TypedResults.Ok(await service.GetComparisonAsync(type, period, ct));
    }

    // ---------------------------------------------------------------- helpers

    private static ProblemHttpResult Busy(JobBusyException busy) =>
        TypedResults.Problem(busy.Message, title: "Already running", statusCode: StatusCodes.Status409Conflict);

    private static ProblemHttpResult NotFound() =>
        TypedResults.Problem("No cohort definition with that id in this organization (custom cohorts only for writes).",
            title: "Not found", statusCode: StatusCodes.Status404NotFound);

    private static async Task<(JsonElement Body, ValidationProblem? Invalid)> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadObjectAsync(request, CustomBodyExample, ct);
        return (body, problem is null ? null : QueryValues.Invalid(problem));
    }

    private static string? Name(JsonElement body) =>
        body.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;

    private static JsonElement? Criteria(JsonElement body) =>
        body.TryGetProperty("filter_criteria", out var criteria) && criteria.ValueKind != JsonValueKind.Null ? criteria : null;

    internal static bool TryParseType(string? text, out CohortType type)
    {
        type = default;
        return text is "vintage" or "segment" or "territory" or "rep" or "custom" && Enum.TryParse(text, ignoreCase: true, out type);
    }

    private static CohortType? ParseType(string? text, Dictionary<string, string[]> errors)
    {
        if (text is null) return null;
        if (TryParseType(text, out var type)) return type;
        errors["cohort_type"] = [$"Unknown cohort_type '{Analytics.UntrustedText.Echo(text)}'; use one of: vintage, segment, territory, rep, custom."];
        return null;
    }

    private static DateOnly? ParseMonth(string? text, string name, Dictionary<string, string[]> errors)
    {
        if (text is null) return null;
        // Months in the range filters use: month arithmetic near year 1 or 9999 would overflow.
        if (DateOnly.TryParseExact(text, ["yyyy-MM", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            && date >= FilterDate.Earliest && date <= FilterDate.Latest)
            return new DateOnly(date.Year, date.Month, 1);
        errors[name] = [$"{name} must be a month like 2025-07 (or a date like 2025-07-01) from {FilterDate.Earliest:yyyy-MM} to {FilterDate.Latest:yyyy-MM}."];
        return null;
    }
}

public static class AccountCohortExtensions
{
    public static IServiceCollection AddAccountCohorts(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OrgJobs>();
        services.TryAddSingleton<Cohorts.CohortAnswerCache>();
        services.AddScoped<AccountCohortService>();
        services.AddScoped<Import.IRecomputeStep, AccountCohortsRecomputeStep>();
        services.AddHostedService<AccountCohortsDemoSeed>();
        return services;
    }

    public static WebApplication MapAccountCohorts(this WebApplication app)
    {
        app.MapAccountCohortApi();
        return app;
    }
}
