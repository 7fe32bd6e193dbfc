using System.Text.Json;
using System.Text.Json.Serialization;

namespace CohortDashboard.Web.Features.AccountCohorts;

// Wire shapes of the Pillar cohorts API (seed 000) and our additions under /api/cohorts/…; snake_case like the seed.

/// <summary>One row of <c>definitions[]</c>: exactly the seed's fields (ids as strings, as the seed shows).</summary>
public sealed record CohortDefinitionRecord(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("org_id")] string OrgId,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("cohort_type")] string CohortType,
    [property: JsonPropertyName("grouping_field")] string GroupingField,
    [property: JsonPropertyName("grouping_value")] string GroupingValue,
    [property: JsonPropertyName("filter_criteria")] JsonElement? FilterCriteria,
    [property: JsonPropertyName("member_count")] int MemberCount);

public sealed record CohortDefinitionsResponse(
    [property: JsonPropertyName("definitions")] IReadOnlyList<CohortDefinitionRecord> Definitions,
    [property: JsonPropertyName("count")] int Count);

public sealed record CohortBreakdown(
    [property: JsonPropertyName("vintage")] int Vintage,
    [property: JsonPropertyName("segment")] int Segment,
    [property: JsonPropertyName("territory")] int Territory,
    [property: JsonPropertyName("rep")] int Rep);

/// <summary>The seed's POST /api/cohorts/definitions answer.</summary>
public sealed record GenerateDefinitionsResponse(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("total_cohorts")] int TotalCohorts,
    [property: JsonPropertyName("inserted")] int Inserted,
    [property: JsonPropertyName("updated")] int Updated,
    [property: JsonPropertyName("breakdown")] CohortBreakdown Breakdown);

public sealed record PreviewResponse([property: JsonPropertyName("member_count")] int MemberCount);

public sealed record RecomputeResponse(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("cohorts")] int Cohorts,
    [property: JsonPropertyName("snapshots")] int Snapshots,
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("churn_definition")] string ChurnDefinition,
    [property: JsonPropertyName("computed_at")] DateTime ComputedAt);

public sealed record SnapshotRecord(
    [property: JsonPropertyName("cohort_id")] string CohortId,
    [property: JsonPropertyName("cohort_name")] string CohortName,
    [property: JsonPropertyName("cohort_type")] string CohortType,
    [property: JsonPropertyName("period")] string Period,
    [property: JsonPropertyName("members")] int Members,
    [property: JsonPropertyName("starting_arr")] decimal StartingArr,
    [property: JsonPropertyName("total_arr")] decimal TotalArr,
    [property: JsonPropertyName("expansion_arr")] decimal ExpansionArr,
    [property: JsonPropertyName("contraction_arr")] decimal ContractionArr,
    [property: JsonPropertyName("churn_arr")] decimal ChurnArr,
    [property: JsonPropertyName("churn_count")] int ChurnCount,
    [property: JsonPropertyName("nrr")] decimal? Nrr,
    [property: JsonPropertyName("grr")] decimal? Grr,
    [property: JsonPropertyName("avg_health")] decimal AvgHealth,
    [property: JsonPropertyName("avg_risk")] decimal AvgRisk,
    [property: JsonPropertyName("products_per_account")] decimal ProductsPerAccount,
    [property: JsonPropertyName("adoption_pct")] decimal AdoptionPct,
    [property: JsonPropertyName("computed_at")] DateTime ComputedAt);

/// <param name="Stale">True when a setting that alters these numbers changed after they were computed.</param>
public sealed record SnapshotsResponse(
    [property: JsonPropertyName("snapshots")] IReadOnlyList<SnapshotRecord> Snapshots,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("stale")] bool Stale);

public sealed record VintagePointRecord(
    [property: JsonPropertyName("offset")] int Offset,
    [property: JsonPropertyName("month")] string Month,
    [property: JsonPropertyName("arr")] decimal Arr,
    [property: JsonPropertyName("retention_pct")] decimal? RetentionPct,
    [property: JsonPropertyName("accounts_remaining")] int AccountsRemaining,
    [property: JsonPropertyName("accounts_remaining_pct")] decimal? AccountsRemainingPct,
    [property: JsonPropertyName("cumulative_new_arr")] decimal CumulativeNewArr,
    [property: JsonPropertyName("cumulative_expansion_arr")] decimal CumulativeExpansionArr,
    [property: JsonPropertyName("cumulative_contraction_arr")] decimal CumulativeContractionArr,
    [property: JsonPropertyName("cumulative_churn_arr")] decimal CumulativeChurnArr);

/// <param name="RetentionNote">Why ARR retention is not plotted for this curve (a base far below its peak ARR); null when it is.</param>
public sealed record VintageCurveRecord(
    [property: JsonPropertyName("cohort_id")] string CohortId,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("cohort_type")] string CohortType,
    [property: JsonPropertyName("start_month")] string StartMonth,
    [property: JsonPropertyName("starting_arr")] decimal StartingArr,
    [property: JsonPropertyName("starting_accounts")] int StartingAccounts,
    [property: JsonPropertyName("points")] IReadOnlyList<VintagePointRecord> Points,
    [property: JsonPropertyName("retention_note")] string? RetentionNote = null);

public sealed record VintageCurvesResponse(
    [property: JsonPropertyName("curves")] IReadOnlyList<VintageCurveRecord> Curves,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("months")] int Months,
    [property: JsonPropertyName("churn_definition")] string ChurnDefinition)
{
    /// <summary>The org's running month ("yyyy-MM"), drawn as in progress on the page's curves; not part of the API answer.</summary>
    [JsonIgnore]
    public string? RunningMonth { get; init; }
}

public sealed record AnomalyRecord(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("cohort_id")] string CohortId,
    [property: JsonPropertyName("cohort_name")] string CohortName,
    [property: JsonPropertyName("cohort_type")] string CohortType,
    [property: JsonPropertyName("period")] string Period,
    [property: JsonPropertyName("value")] decimal Value,
    [property: JsonPropertyName("threshold")] decimal Threshold,
    [property: JsonPropertyName("message")] string Message);

public sealed record AnomaliesResponse(
    [property: JsonPropertyName("anomalies")] IReadOnlyList<AnomalyRecord> Anomalies,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("stale")] bool Stale);

/// <param name="Nrr">NRR chained over the <see cref="ComparisonResponse.Months"/> months after the cohort's start (its age-12 NRR).</param>
/// <param name="TotalArr">ARR at the end of the last compared month.</param>
/// <param name="Label"><c>best</c>, <c>worst</c>, <c>normal</c>, or <c>too_young</c> (not yet that old: unranked).</param>
/// <param name="AgeMonths">Complete months since the cohort's start month; null for standing cohorts (segment, territory, rep).</param>
public sealed record ComparisonRecord(
    [property: JsonPropertyName("cohort_id")] string CohortId,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("cohort_type")] string CohortType,
    [property: JsonPropertyName("nrr")] decimal? Nrr,
    [property: JsonPropertyName("total_arr")] decimal TotalArr,
    [property: JsonPropertyName("rank")] int? Rank,
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("age_months")] int? AgeMonths,
    [property: JsonPropertyName("nrr_m6")] decimal? NrrM6,
    [property: JsonPropertyName("rank_m6")] int? RankM6,
    [property: JsonPropertyName("label_m6")] string LabelM6);

/// <param name="Period">The last complete month compared (yyyy-MM; the running month never is); null when there are no snapshots.</param>
/// <param name="Months">The age the main ranking compares at: NRR over this many months after each cohort's start.</param>
public sealed record ComparisonResponse(
    [property: JsonPropertyName("period")] string? Period,
    [property: JsonPropertyName("cohorts")] IReadOnlyList<ComparisonRecord> Cohorts,
    [property: JsonPropertyName("months")] int Months);

/// <summary>
/// Whether the stored snapshots are behind what they are computed from, and why: settings saved, or accounts, products
/// or contracts imported, after the last recompute (each null when it did not happen since).
/// </summary>
public sealed record StaleState(DateTime? SettingsChangedAt, DateTime? DataImportedAt, DateTime? ComputedAt)
{
    public bool Stale => SettingsChangedAt is not null || DataImportedAt is not null;
}

/// <summary>Outcome of a custom-cohort write: the definition, or field errors keyed by path, or not found.</summary>
public sealed record CustomCohortResult(CohortDefinitionRecord? Definition, IReadOnlyDictionary<string, string[]>? Errors, bool NotFound = false)
{
    public static CustomCohortResult Missing { get; } = new(null, null, true);
}
