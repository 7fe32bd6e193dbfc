using System.Text.Json.Serialization;

namespace CohortDashboard.Web.Features.Expansion;

// Wire records of the Pillar expansion API (seed 002): snake_case names exactly as the seed, ids as strings. The pages
// use the same records, so what a card shows is what the API answers.

public sealed record ProductRecord(
    [property: JsonPropertyName("id"), JsonNumberHandling(JsonNumberHandling.WriteAsString)] long Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("category")] string Category,
    [property: JsonPropertyName("annual_price")] decimal AnnualPrice,
    [property: JsonPropertyName("is_active")] bool IsActive);

public sealed record AffinityRecord(
    [property: JsonPropertyName("id"), JsonNumberHandling(JsonNumberHandling.WriteAsString)] long Id,
    [property: JsonPropertyName("product_a_id"), JsonNumberHandling(JsonNumberHandling.WriteAsString)] long ProductAId,
    [property: JsonPropertyName("product_b_id"), JsonNumberHandling(JsonNumberHandling.WriteAsString)] long ProductBId,
    [property: JsonPropertyName("product_a_name")] string ProductAName,
    [property: JsonPropertyName("product_b_name")] string ProductBName,
    [property: JsonPropertyName("product_a_category")] string ProductACategory,
    [property: JsonPropertyName("product_b_category")] string ProductBCategory,
    [property: JsonPropertyName("co_adoption_count")] int CoAdoptionCount,
    [property: JsonPropertyName("co_adoption_rate")] decimal CoAdoptionRate,
    [property: JsonPropertyName("avg_time_to_cross_sell_days")] decimal? AvgTimeToCrossSellDays,
    [property: JsonPropertyName("avg_arr_uplift")] decimal? AvgArrUplift,
    [property: JsonPropertyName("segment")] string Segment,
    [property: JsonPropertyName("sample_size")] int SampleSize,
    [property: JsonPropertyName("confidence")] string Confidence,
    [property: JsonPropertyName("lift")] decimal? Lift,
    [property: JsonPropertyName("computed_at")] DateTime ComputedAt);

public sealed record AffinityResponse(
    [property: JsonPropertyName("matrix")] IReadOnlyList<AffinityRecord> Matrix,
    [property: JsonPropertyName("products")] IReadOnlyList<ProductRecord> Products);

public sealed record AffinityRecomputeResponse(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("entries_computed")] int EntriesComputed,
    [property: JsonPropertyName("products")] int Products,
    [property: JsonPropertyName("accounts")] int Accounts);

public sealed record CurrentProduct(
    [property: JsonPropertyName("id"), JsonNumberHandling(JsonNumberHandling.WriteAsString)] long Id,
    [property: JsonPropertyName("name")] string Name);

public sealed record SignalRecord(
    [property: JsonPropertyName("id"), JsonNumberHandling(JsonNumberHandling.WriteAsString)] long Id,
    [property: JsonPropertyName("account_id"), JsonNumberHandling(JsonNumberHandling.WriteAsString)] long AccountId,
    [property: JsonPropertyName("account_name")] string AccountName,
    [property: JsonPropertyName("account_segment")] string AccountSegment,
    [property: JsonPropertyName("account_arr")] decimal AccountArr,
    [property: JsonPropertyName("account_owner_id")] string AccountOwnerId,
    [property: JsonPropertyName("target_product_id"), JsonNumberHandling(JsonNumberHandling.WriteAsString)] long TargetProductId,
    [property: JsonPropertyName("target_product_name")] string TargetProductName,
    [property: JsonPropertyName("source_product_id"), JsonNumberHandling(JsonNumberHandling.WriteAsString)] long? SourceProductId,
    [property: JsonPropertyName("source_product_name")] string? SourceProductName,
    [property: JsonPropertyName("affinity_score")] decimal AffinityScore,
    [property: JsonPropertyName("affinity_component")] decimal AffinityComponent,
    [property: JsonPropertyName("adoption_readiness")] decimal AdoptionReadiness,
    [property: JsonPropertyName("health_component")] decimal HealthComponent,
    [property: JsonPropertyName("propensity_component")] decimal PropensityComponent,
    [property: JsonPropertyName("estimated_arr")] decimal EstimatedArr,
    [property: JsonPropertyName("priority")] int Priority,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("current_products")] IReadOnlyList<CurrentProduct> CurrentProducts,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("created_at")] DateTime CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTime UpdatedAt,
    [property: JsonPropertyName("updated_by")] string? UpdatedBy);

/// <summary>
/// The seed's four KPIs (over every matching signal, any status: kept as they were for compatibility) and, beside them,
/// our additions per status: open = pending + pitched, and the weighted pipeline (Σ score × estimated ARR of open
/// signals), the figure to hold against total ARR.
/// </summary>
public sealed record SignalKpi(
    [property: JsonPropertyName("total_opportunities")] int TotalOpportunities,
    [property: JsonPropertyName("estimated_expansion_arr")] decimal EstimatedExpansionArr,
    [property: JsonPropertyName("high_priority_count")] int HighPriorityCount,
    [property: JsonPropertyName("avg_affinity_score")] decimal AvgAffinityScore,
    [property: JsonPropertyName("open_count")] int OpenCount,
    [property: JsonPropertyName("pending_count")] int PendingCount,
    [property: JsonPropertyName("pitched_count")] int PitchedCount,
    [property: JsonPropertyName("won_count")] int WonCount,
    [property: JsonPropertyName("dismissed_count")] int DismissedCount,
    [property: JsonPropertyName("open_estimated_arr")] decimal OpenEstimatedArr,
    [property: JsonPropertyName("weighted_pipeline_arr")] decimal WeightedPipelineArr,
    [property: JsonPropertyName("won_estimated_arr")] decimal WonEstimatedArr,
    [property: JsonPropertyName("open_high_priority_count")] int OpenHighPriorityCount)
{
    public static SignalKpi From(Analytics.Expansion.PipelineSummary s) => new(
        s.All, s.AllEstimatedArr, s.HighPriority, s.AvgScore, s.Open, s.Pending, s.Pitched, s.Won, s.Dismissed,
        s.OpenEstimatedArr, s.WeightedOpenArr, s.WonArr, s.OpenHighPriority);
}

/// <summary>
/// The seed's {signals, kpi, products}; paging fields are additions a client that ignores them can skip (it then sees
/// the first page, best signals first).
/// </summary>
public sealed record SignalsResponse(
    [property: JsonPropertyName("signals")] IReadOnlyList<SignalRecord> Signals,
    [property: JsonPropertyName("kpi")] SignalKpi Kpi,
    [property: JsonPropertyName("products")] IReadOnlyList<ProductRecord> Products,
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("page_size")] int PageSize,
    [property: JsonPropertyName("total_count")] int TotalCount,
    [property: JsonPropertyName("has_more")] bool HasMore);

public sealed record SignalsGenerateResponse(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("signals_generated")] int SignalsGenerated,
    [property: JsonPropertyName("accounts_analyzed")] int AccountsAnalyzed,
    [property: JsonPropertyName("products_evaluated")] int ProductsEvaluated);

public sealed record SignalPatchResponse(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("signal")] SignalRecord Signal);

/// <summary>One audited move of a signal, for the card's history.</summary>
public sealed record SignalHistoryEntry(DateTime At, string Actor, string? From, string To);

/// <summary>An account that owns A but not B (the whitespace of an affinity cell).</summary>
public sealed record WhitespaceAccount(long Id, string Name, string Segment, decimal Arr, string OwnerId, int Signals);

/// <summary>Filters shared by the kanban and GET /api/expansion/signals.</summary>
public sealed record SignalFilter
{
    public long? AccountId { get; init; }
    public Data.Model.SignalStatus? Status { get; init; }
    public int? Priority { get; init; }
    public long? ProductId { get; init; }
    public Data.Model.Segment? Segment { get; init; }
    /// <summary>Only accounts of this rep ("my accounts").</summary>
    public string? OwnerId { get; init; }
    /// <summary>Accounts whose name contains this text (case-insensitive; the board's search box).</summary>
    public string? AccountSearch { get; init; }
}

public sealed record SignalPage(IReadOnlyList<SignalRecord> Signals, SignalKpi Kpi, int TotalCount);

/// <summary>A kanban column: its best cards (up to the page asked for), and count and estimated ARR of all its signals.</summary>
public sealed record BoardColumn(string Status, IReadOnlyList<SignalRecord> Cards, int Count, decimal EstimatedArr);

public sealed record SignalBoard(IReadOnlyList<BoardColumn> Columns, SignalKpi Kpi, IReadOnlyList<ProductRecord> Products);
