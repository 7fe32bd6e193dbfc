using CohortDashboard.Data.Model;

namespace CohortDashboard.Data.Import;

// Validated rows, ready for the upsert. An optional value is null when its cell is empty or its column absent; the
// upsert asks the ColumnMapping which of the two it was (absent column: keep the stored value; empty: default/clear).
// Instants are UTC (DateTimeKind.Utc). Line is the file line the record starts on, for messages during the write.

/// <summary>A validated <c>accounts</c> row.</summary>
public sealed record AccountImportRow(
    int Line,
    string ExternalId,
    string Name,
    Segment Segment,
    string? Territory,
    string? OwnerId,
    string? UserType,
    DateTime CreatedAt,
    AccountStatus Status,
    decimal? Arr,
    int? HealthScore,
    int? RiskScore,
    int? ExpansionPropensity);

/// <summary>A validated <c>products</c> row.</summary>
public sealed record ProductImportRow(
    int Line,
    string ExternalId,
    string Name,
    string? Category,
    decimal? AnnualPrice,
    bool? IsActive);

/// <summary>A validated <c>account_products</c> row; the two external ids and the start date are its key.</summary>
public sealed record AccountProductImportRow(
    int Line,
    string AccountExternalId,
    string ProductExternalId,
    AccountProductStatus Status,
    DateOnly StartDate,
    DateOnly? EndDate,
    decimal? ContractedArr,
    int? SeatsLicensed,
    int? SeatsActive,
    decimal? AdoptionPct);

/// <summary>A validated <c>orders</c> row; <see cref="Tags"/> is empty when the file has none.</summary>
public sealed record OrderImportRow(
    int Line,
    string ExternalId,
    string AccountExternalId,
    DateTime PlacedAt,
    OrderStatus Status,
    decimal GrossRevenue,
    decimal? Discounts,
    decimal? RefundedAmount,
    DateTime? RefundedAt,
    decimal? Cogs,
    decimal? ShippingCost,
    decimal? Fees,
    string? SourceName,
    string? OrderType,
    string? PaymentGateway,
    IReadOnlyList<string> Tags,
    string? UtmSource,
    string? UtmMedium,
    string? UtmCampaign,
    string? UtmContent,
    string? UtmTerm);
