using System.Globalization;
using System.Text.Json.Serialization;
using CohortDashboard.Analytics;
using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Analytics.Projections;
using CohortDashboard.Data.Model;
using CohortDashboard.Web.Features.AccountCohorts;
using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Platform;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CohortDashboard.Web.Features.Cohorts;

public sealed record ProjectionQuery(
    [FromQuery(Name = "granularity")] string? Granularity,
    [FromQuery(Name = "measure")] string? Measure,
    [FromQuery(Name = "cohort_type")] string? CohortType);

public sealed record ProjectedPointRecord(
    [property: JsonPropertyName("offset")] int Offset,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("lower")] double? Lower,
    [property: JsonPropertyName("upper")] double? Upper);

public sealed record ProjectedLtvRecord(
    [property: JsonPropertyName("periods")] int Periods,
    [property: JsonPropertyName("value")] double? Value,
    [property: JsonPropertyName("lower")] double? Lower,
    [property: JsonPropertyName("upper")] double? Upper,
    [property: JsonPropertyName("observed")] bool Observed,
    [property: JsonPropertyName("missing")] string? Missing);

public sealed record DevelopmentFactorRecord(
    [property: JsonPropertyName("from_offset")] int FromOffset,
    [property: JsonPropertyName("factor")] double Factor,
    [property: JsonPropertyName("cohorts")] int Cohorts);

/// <param name="Alpha">sBG α (null for the chain ladder).</param>
/// <param name="DevelopmentFactors">The chain-ladder factors this cohort is carried forward by (null for sBG).</param>
public sealed record ProjectionParametersRecord(
    [property: JsonPropertyName("alpha")] double? Alpha,
    [property: JsonPropertyName("beta")] double? Beta,
    [property: JsonPropertyName("development_factors")] IReadOnlyList<DevelopmentFactorRecord>? DevelopmentFactors);

/// <param name="Model">"sbg", "chain_ladder", or null when there is not enough data.</param>
/// <param name="FittedOn">"cohort" or "pooled" (sBG), "older_cohorts" (chain ladder).</param>
/// <param name="LastObservedOffset">The last completed offset (null when none has completed); projections start after it.</param>
/// <param name="LastObserved">The value there (a 0–1 share, or LTV per customer), which projections continue from.</param>
/// <param name="Projected">Values for the not-yet-completed offsets: retention / accounts remaining as a 0–1 share of the cohort, LTV per customer.</param>
public sealed record ProjectionCohortRecord(
    [property: JsonPropertyName("cohort")] string Cohort,
    [property: JsonPropertyName("cohort_id")] string? CohortId,
    [property: JsonPropertyName("cohort_start")] string CohortStart,
    [property: JsonPropertyName("size")] int Size,
    [property: JsonPropertyName("last_observed_offset")] int? LastObservedOffset,
    [property: JsonPropertyName("last_observed")] double? LastObserved,
    [property: JsonPropertyName("model")] string? Model,
    [property: JsonPropertyName("fitted_on")] string? FittedOn,
    [property: JsonPropertyName("fitted_cohorts")] int? FittedCohorts,
    [property: JsonPropertyName("parameters")] ProjectionParametersRecord? Parameters,
    [property: JsonPropertyName("log_likelihood")] double? LogLikelihood,
    [property: JsonPropertyName("not_enough_data")] string? NotEnoughData,
    [property: JsonPropertyName("projected")] IReadOnlyList<ProjectedPointRecord> Projected,
    [property: JsonPropertyName("ltv")] IReadOnlyList<ProjectedLtvRecord>? Ltv);

public sealed record ProjectionResponse(
    [property: JsonPropertyName("measure")] string Measure,
    [property: JsonPropertyName("granularity")] string Granularity,
    [property: JsonPropertyName("cohort_type")] string CohortType,
    [property: JsonPropertyName("as_of")] string? AsOf,
    [property: JsonPropertyName("last_offset")] int LastOffset,
    [property: JsonPropertyName("interval")] string Interval,
    [property: JsonPropertyName("cohorts")] IReadOnlyList<ProjectionCohortRecord> Cohorts,
    [property: JsonPropertyName("count")] int Count);

/// <summary>
/// <c>GET /api/cohorts/projection</c> (our addition): where each cohort is headed — sBG survival for customer retention
/// and account cohorts' accounts remaining, chain-ladder LTV — with the fitted model, its parameters, log-likelihood and
/// 95% intervals. The compat routes never carry projections: their not-yet-started cells stay null.
/// </summary>
public static class CohortProjectionApi
{
    public const string SurvivalInterval = "95% delta method on the logit of S(t)/S(τ) over (ln α, ln β), covariance = inverse observed information";
    public const string ChainLadderInterval = "95% normal interval from Mack's (1993) chain-ladder standard error";

    public static IEndpointRouteBuilder MapCohortProjectionApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/cohorts/projection", GetAsync)
            .RequireAuthorization(Policies.Scope(ApiScopes.CohortsRead))
            .WithTags("Cohort projections")
            .WithName("GetCohortProjection")
            .WithSummary("Projected retention, LTV or accounts remaining per cohort")
            // The full matrix over every offset plus one fit per cohort: as heavy as the compat routes, so the same
            // deadline and per-org turns.
            .WithQueryLimits((status, message) => TypedResults.Problem(message, statusCode: status))
            .WithDescription("measure=retention (customer cohorts, unbounded retention, sBG) | ltv (customer cohorts, chain ladder) | " +
                             "accounts_remaining (account cohorts of cohort_type, monthly, sBG). granularity: day|week|month|quarter|year " +
                             "(month only for accounts_remaining). cohort_type: customer (retention, ltv) or vintage|segment|territory|rep|custom.");
        return app;
    }

    private static async Task<Results<Ok<ProjectionResponse>, ValidationProblem>> GetAsync(
        [AsParameters] ProjectionQuery query, CohortProjectionService projections, AccountCohortService accountCohorts, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var measure = query.Measure ?? "retention";
        if (measure is not ("retention" or "ltv" or "accounts_remaining"))
            errors["measure"] = [$"Unknown measure '{UntrustedText.Echo(measure)}'; use one of: retention, ltv, accounts_remaining."];
        var granularity = Granularity.Month;
        if (query.Granularity is { } g && !GranularityNames.TryParse(g, out granularity))
            errors["granularity"] = [$"Unknown granularity '{UntrustedText.Echo(g)}'; use one of: day, week, month, quarter, year."];
        var accounts = measure == "accounts_remaining";
        var cohortType = query.CohortType ?? (accounts ? "vintage" : "customer");
        CohortType accountType = default;
        if (accounts && !AccountCohortEndpoints.TryParseType(cohortType, out accountType))
            errors["cohort_type"] = [$"Unknown cohort_type '{UntrustedText.Echo(cohortType)}' for accounts_remaining; use one of: vintage, segment, territory, rep, custom."];
        if (!accounts && cohortType != "customer")
            errors["cohort_type"] = [$"cohort_type must be 'customer' for {UntrustedText.Echo(measure)} (account cohorts project accounts_remaining)."];
        if (accounts && granularity != Granularity.Month)
            errors["granularity"] = ["Account cohorts are monthly: granularity must be 'month' for accounts_remaining."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Invalid query");

        if (accounts)
        {
            var curves = await accountCohorts.GetVintageCurvesAsync(accountType, AccountCohortService.MaxCurveMonths, ct);
            var projected = AccountCohortProjections.Project(curves);
            var records = curves.Curves.Select(c => Survival(c.Name, c.CohortId, c.StartMonth, c.StartingAccounts, projected[c.CohortId])).ToList();
            return TypedResults.Ok(new ProjectionResponse(measure, "month", cohortType, curves.Curves.Count == 0 ? null : curves.Curves[0].Points[^1].Month,
                AccountCohortProjections.LastOffset, SurvivalInterval, records, records.Count));
        }

        var result = await projections.ProjectAsync(new CohortQuery { Granularity = granularity }, ct);
        var group = result.Groups[0];
        var cohorts = group.Rows.Where(r => r.Size > 0).Select(r => measure == "ltv"
            ? Ltv(r, group.Factors)
            : Survival(r.Label, null, Date(r.Start), r.Size, r.Retention)).ToList();
        return TypedResults.Ok(new ProjectionResponse(measure, granularity.ToWire(), cohortType, Date(result.Frame.AsOf),
            CohortProjectionService.LastOffset, measure == "ltv" ? ChainLadderInterval : SurvivalInterval, cohorts, cohorts.Count));
    }

    private static ProjectionCohortRecord Survival(string name, string? id, string start, int size, SurvivalProjection p) => new(
        name, id, start, size, size == 0 ? null : p.ObservedPeriods, size == 0 ? null : p.Survivors / (double)size,
        p.Model is null ? null : "sbg",
        p.Model?.Scope == FitScope.Pooled ? "pooled" : p.Model is null ? null : "cohort",
        p.Model?.Cohorts,
        p.Model is { } m ? new ProjectionParametersRecord(m.Fit.Alpha, m.Fit.Beta, null) : null,
        p.Model?.Fit.LogLikelihood,
        p.NotEnoughData,
        p.Projected.Select((v, i) => new ProjectedPointRecord(p.ObservedPeriods + 1 + i, v.Value, v.Lower, v.Upper)).ToList(),
        null);

    private static ProjectionCohortRecord Ltv(CohortProjectionRow row, IReadOnlyList<DevelopmentFactor> factors)
    {
        var revenue = row.Revenue;
        var used = factors.Where(f => f.From >= revenue.ObservedPeriods - 1 && f.From < revenue.ObservedPeriods - 1 + revenue.Projected.Count)
            .Select(f => new DevelopmentFactorRecord(f.From, f.Factor, f.Cohorts)).ToList();
        var none = revenue.ObservedPeriods == 0 || row.Size == 0;
        return new ProjectionCohortRecord(row.Label, null, Date(row.Start), row.Size,
            none ? null : revenue.ObservedPeriods - 1, none ? null : revenue.LastObserved / row.Size,
            revenue.Projected.Count == 0 ? null : "chain_ladder",
            revenue.Projected.Count == 0 ? null : "older_cohorts",
            null,
            revenue.Projected.Count == 0 ? null : new ProjectionParametersRecord(null, null, used),
            null,
            revenue.Projected.Count == 0 ? revenue.StopReason : null,
            revenue.Projected.Select((_, i) => revenue.ObservedPeriods + i)
                .Select(offset => row.LtvAt(offset) is { } v ? new ProjectedPointRecord(offset, v.Value, v.Lower, v.Upper) : null)
                .OfType<ProjectedPointRecord>().ToList(),
            row.Ltv.Select(l => new ProjectedLtvRecord(l.Periods, l.Value?.Value, l.Value?.Lower, l.Value?.Upper, l.Observed, l.Missing)).ToList());
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
