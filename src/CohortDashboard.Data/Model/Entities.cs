namespace CohortDashboard.Data.Model;

/// <summary>Rows that belong to one organization; the context filters and guards them by <see cref="OrgId"/>.</summary>
public interface IOrgOwned
{
    long OrgId { get; set; }
}

public sealed class Organization
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public required string Currency { get; set; }
    public required string TimeZone { get; set; }
    public int FiscalYearStartMonth { get; set; } = 1;
    public int? TerminaGroupId { get; set; }
    public int? TerminaDealId { get; set; }
    public string? PixelId { get; set; }
    public OrgSettings Settings { get; set; } = new();
    /// <summary>Set when a setting that alters numbers changes; cleared by the recompute that follows.</summary>
    public DateTime? ResultsStaleSince { get; set; }
    /// <summary>
    /// Bumped whenever the org's cohort answers may change (imports, recomputes, settings): cached answers are keyed by
    /// it. Lives here so every app instance sharing the database sees a bump.
    /// </summary>
    public long DataVersion { get; set; }
    /// <summary>
    /// Bumped (with <see cref="DataVersion"/>) whenever the org's orders change: each instance's columnar store is keyed
    /// by it, so a settings save does not make every instance copy the orders again.
    /// </summary>
    public long OrdersVersion { get; set; }
    public DateTime CreatedAt { get; set; }
}

public sealed class OrgSettings
{
    public ChurnDefinition ChurnDefinition { get; set; } = ChurnDefinition.Revenue;
    public bool CountPendingOrders { get; set; }
    public bool CountVoidedOrders { get; set; }
    public RefundDateAttribution RefundDateAttribution { get; set; } = RefundDateAttribution.RefundDate;
    public int AffinityHighSampleSize { get; set; } = 30;
    public int AffinityMediumSampleSize { get; set; } = 10;
    public decimal SignalWeightAffinity { get; set; } = 0.40m;
    public decimal SignalWeightReadiness { get; set; } = 0.25m;
    public decimal SignalWeightHealth { get; set; } = 0.20m;
    public decimal SignalWeightPropensity { get; set; } = 0.15m;
    public decimal PriorityCutoff1 { get; set; } = 0.80m;
    public decimal PriorityCutoff2 { get; set; } = 0.65m;
    public decimal PriorityCutoff3 { get; set; } = 0.50m;
    public decimal PriorityCutoff4 { get; set; } = 0.35m;
    public int CrossSellMaxProducts { get; set; } = 6;
    public decimal NrrWarningBelow { get; set; } = 100m;
    public decimal NrrCriticalBelow { get; set; } = 90m;
    public decimal HealthDeclinePoints { get; set; } = 10m;
    public int ChurnAccelerationPeriods { get; set; } = 2;
    /// <summary>Signal generation keeps at most this many signals per account (its best by score), so a board stays workable.</summary>
    public int MaxSignalsPerAccount { get; set; } = DefaultMaxSignalsPerAccount;
    /// <summary>Customer cohorts smaller than this are never flagged as retention anomalies (one customer is too noisy to call).</summary>
    public int AnomalyMinCohortSize { get; set; } = DefaultAnomalyMinCohortSize;

    public const int DefaultMaxSignalsPerAccount = 3;
    public const int DefaultAnomalyMinCohortSize = 30;
}

public sealed class Account : IOrgOwned
{
    public long Id { get; set; }
    public long OrgId { get; set; }
    public required string ExternalId { get; set; }
    public required string Name { get; set; }
    public Segment Segment { get; set; }
    public required string Territory { get; set; }
    public required string OwnerId { get; set; }
    public required string UserType { get; set; }
    public DateTime CreatedAt { get; set; }
    public AccountStatus Status { get; set; }
    public decimal Arr { get; set; }
    public int HealthScore { get; set; }
    public int RiskScore { get; set; }
    public int? ExpansionPropensity { get; set; }
}

public sealed class Product : IOrgOwned
{
    public long Id { get; set; }
    public long OrgId { get; set; }
    public required string ExternalId { get; set; }
    public required string Name { get; set; }
    public required string Category { get; set; }
    public decimal AnnualPrice { get; set; }
    public bool IsActive { get; set; } = true;
}

public sealed class AccountProduct : IOrgOwned
{
    public long Id { get; set; }
    public long OrgId { get; set; }
    public long AccountId { get; set; }
    public long ProductId { get; set; }
    public AccountProductStatus Status { get; set; }
    public DateOnly StartDate { get; set; }
    public DateOnly? EndDate { get; set; }
    public decimal ContractedArr { get; set; }
    public int SeatsLicensed { get; set; }
    public int SeatsActive { get; set; }
    public decimal AdoptionPct { get; set; }
}

public sealed class Order : IOrgOwned
{
    public long Id { get; set; }
    public long OrgId { get; set; }
    public long AccountId { get; set; }
    public required string ExternalId { get; set; }
    /// <summary>UTC instant; local buckets are computed in the org's (or request's) timezone.</summary>
    public DateTime PlacedAt { get; set; }
    public OrderStatus Status { get; set; }
    public decimal GrossRevenue { get; set; }
    public decimal Discounts { get; set; }
    public decimal RefundedAmount { get; set; }
    public DateTime? RefundedAt { get; set; }
    public decimal Cogs { get; set; }
    public decimal ShippingCost { get; set; }
    public decimal Fees { get; set; }
    public string? SourceName { get; set; }
    public string? OrderType { get; set; }
    public string? PaymentGateway { get; set; }
    public List<string> Tags { get; set; } = [];
    public string? UtmSource { get; set; }
    public string? UtmMedium { get; set; }
    public string? UtmCampaign { get; set; }
    public string? UtmContent { get; set; }
    public string? UtmTerm { get; set; }

    public decimal NetRevenue => GrossRevenue - Discounts - RefundedAmount;
}

public sealed class CohortDefinition : IOrgOwned
{
    public long Id { get; set; }
    public long OrgId { get; set; }
    public required string Name { get; set; }
    public CohortType CohortType { get; set; }
    public required string GroupingField { get; set; }
    public required string GroupingValue { get; set; }
    /// <summary>Filter-language JSON for custom cohorts; null for generated ones.</summary>
    public string? FilterCriteria { get; set; }
    public int MemberCount { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public sealed class CohortSnapshot : IOrgOwned
{
    public long Id { get; set; }
    public long OrgId { get; set; }
    public long CohortDefinitionId { get; set; }
    /// <summary>First day of the snapshot's month.</summary>
    public DateOnly PeriodMonth { get; set; }
    public int Members { get; set; }
    public decimal StartingArr { get; set; }
    public decimal TotalArr { get; set; }
    public decimal ExpansionArr { get; set; }
    public decimal ContractionArr { get; set; }
    public decimal ChurnArr { get; set; }
    public int ChurnCount { get; set; }
    public decimal? Nrr { get; set; }
    public decimal? Grr { get; set; }
    public decimal AvgHealth { get; set; }
    public decimal AvgRisk { get; set; }
    public decimal ProductsPerAccount { get; set; }
    public decimal AdoptionPct { get; set; }
    public DateTime ComputedAt { get; set; }
}

public sealed class AffinityEntry : IOrgOwned
{
    public long Id { get; set; }
    public long OrgId { get; set; }
    public long ProductAId { get; set; }
    public long ProductBId { get; set; }
    /// <summary>"all" or a segment's wire name.</summary>
    public required string Segment { get; set; }
    public int CoAdoptionCount { get; set; }
    public decimal CoAdoptionRate { get; set; }
    public decimal? AvgTimeToCrossSellDays { get; set; }
    public decimal? AvgArrUplift { get; set; }
    public int SampleSize { get; set; }
    public Confidence Confidence { get; set; }
    public decimal? Lift { get; set; }
    public DateTime ComputedAt { get; set; }
}

public sealed class ExpansionSignal : IOrgOwned
{
    public long Id { get; set; }
    public long OrgId { get; set; }
    public long AccountId { get; set; }
    public long TargetProductId { get; set; }
    public long? SourceProductId { get; set; }
    public decimal AffinityScore { get; set; }
    public decimal AffinityComponent { get; set; }
    public decimal AdoptionReadiness { get; set; }
    public decimal HealthComponent { get; set; }
    public decimal PropensityComponent { get; set; }
    public decimal EstimatedArr { get; set; }
    public int Priority { get; set; }
    public required string Reason { get; set; }
    public SignalStatus Status { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }
    /// <summary>Optimistic-concurrency token, bumped on every change.</summary>
    public int Version { get; set; }
}

public sealed class ApiKey : IOrgOwned
{
    public long Id { get; set; }
    public long OrgId { get; set; }
    public required string Name { get; set; }
    /// <summary>The public part of the key (cdk_/cr_live_/upstack_ + prefix), used to find the row.</summary>
    public required string Prefix { get; set; }
    /// <summary>SHA-256 of the secret, hex; the secret itself is never stored.</summary>
    public required string SecretHash { get; set; }
    /// <summary>Space-separated scopes.</summary>
    public required string Scopes { get; set; }
    public DateTime CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public int QuotaLimit { get; set; } = 250;
    public int QuotaWindowSeconds { get; set; } = 5 * 3600;
}

public sealed class AuditEvent : IOrgOwned
{
    public long Id { get; set; }
    public long OrgId { get; set; }
    public required string Actor { get; set; }
    public DateTime At { get; set; }
    public required string Action { get; set; }
    public required string TargetType { get; set; }
    public string? TargetId { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
}

/// <summary>Maps an identity-provider subject to an org, a role and (for account managers) a rep id.</summary>
public sealed class OrgMembership : IOrgOwned
{
    public long Id { get; set; }
    public long OrgId { get; set; }
    public required string Subject { get; set; }
    public required string DisplayName { get; set; }
    public UserRole Role { get; set; }
    public string? OwnerId { get; set; }
}

/// <summary>
/// One signed-in browser session. The auth cookie carries only <see cref="Id"/>; the ticket (claims, id_token) lives
/// here, so deleting the row ends the session at once, wherever the cookie is.
/// </summary>
public sealed class AuthSession : IOrgOwned
{
    /// <summary>256 random bits, base64url; the cookie's only content (encrypted by data protection).</summary>
    public required string Id { get; set; }
    public long OrgId { get; set; }
    public required string Subject { get; set; }
    /// <summary>The serialized authentication ticket, encrypted with data protection.</summary>
    public required byte[] Ticket { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime LastSeenAt { get; set; }
    /// <summary>Sliding expiry: moves forward while the session is used.</summary>
    public DateTime ExpiresAt { get; set; }
    /// <summary>Absolute expiry: the session ends then however active it is.</summary>
    public DateTime AbsoluteExpiresAt { get; set; }
    public string? UserAgent { get; set; }
}

/// <summary>Fact money: ten-thousandths of the currency unit, the precision of every money column (decimal(19,4)).</summary>
public static class FactMoney
{
    public const decimal Scale = 10_000m;

    public static long FromDecimal(decimal value) => (long)decimal.Round(value * Scale, 0, MidpointRounding.ToEven);

    /// <summary>Builds the decimal with scale 4 directly: exact, and far cheaper than a decimal division per value.</summary>
    public static decimal ToDecimal(long value)
    {
        var magnitude = value < 0 ? (ulong)-(value + 1) + 1 : (ulong)value;
        return new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), 0, value < 0, 4);
    }
}
