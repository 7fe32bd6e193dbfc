using System.Text.Json.Serialization;
using CohortDashboard.Data.Model;

namespace CohortDashboard.Web.Features.Settings;

/// <summary>The four weights of the expansion-signal score (SPEC §5); they sum to 1.</summary>
public sealed record SignalWeightValues(
    [property: JsonPropertyName("affinity")] decimal Affinity,
    [property: JsonPropertyName("readiness")] decimal Readiness,
    [property: JsonPropertyName("health")] decimal Health,
    [property: JsonPropertyName("propensity")] decimal Propensity);

/// <summary>
/// Every org setting of SPEC §7 plus the org's name and compat aliases, as <c>GET/PUT /api/settings</c> and the
/// Admin → Settings page show them. Enum values use their wire spellings.
/// </summary>
public sealed record OrgSettingsValues(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("timezone")] string Timezone,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("fiscal_year_start_month")] int FiscalYearStartMonth,
    [property: JsonPropertyName("termina_group_id")] int? TerminaGroupId,
    [property: JsonPropertyName("termina_deal_id")] int? TerminaDealId,
    [property: JsonPropertyName("upstack_pixel_id")] string? UpstackPixelId,
    [property: JsonPropertyName("count_pending_orders")] bool CountPendingOrders,
    [property: JsonPropertyName("count_voided_orders")] bool CountVoidedOrders,
    [property: JsonPropertyName("refund_date_attribution")] string RefundDateAttribution,
    [property: JsonPropertyName("churn_definition")] string ChurnDefinition,
    [property: JsonPropertyName("confidence_high_min_sample")] int ConfidenceHighMinSample,
    [property: JsonPropertyName("confidence_medium_min_sample")] int ConfidenceMediumMinSample,
    [property: JsonPropertyName("signal_weights")] SignalWeightValues SignalWeights,
    [property: JsonPropertyName("priority_cutoffs")] IReadOnlyList<decimal> PriorityCutoffs,
    [property: JsonPropertyName("cross_sell_max_products")] int CrossSellMaxProducts,
    [property: JsonPropertyName("max_signals_per_account")] int MaxSignalsPerAccount,
    [property: JsonPropertyName("nrr_warning_below")] decimal NrrWarningBelow,
    [property: JsonPropertyName("nrr_critical_below")] decimal NrrCriticalBelow,
    [property: JsonPropertyName("health_decline_points")] decimal HealthDeclinePoints,
    [property: JsonPropertyName("churn_acceleration_periods")] int ChurnAccelerationPeriods,
    [property: JsonPropertyName("anomaly_min_cohort_size")] int AnomalyMinCohortSize)
{
    // Records compare lists by reference; settings compare by value.
    public bool Equals(OrgSettingsValues? other) =>
        other is not null && EqualityContract == other.EqualityContract
        && SettingsFields.Changed(this, other).Count == 0;

    public override int GetHashCode() => HashCode.Combine(Name, Timezone, Currency, FiscalYearStartMonth);

    public static OrgSettingsValues From(Organization org)
    {
        var s = org.Settings;
        return new OrgSettingsValues(org.Name, org.TimeZone, org.Currency, org.FiscalYearStartMonth, org.TerminaGroupId, org.TerminaDealId,
            org.PixelId, s.CountPendingOrders, s.CountVoidedOrders, s.RefundDateAttribution.ToSnake(), s.ChurnDefinition.ToSnake(),
            s.AffinityHighSampleSize, s.AffinityMediumSampleSize,
            new SignalWeightValues(s.SignalWeightAffinity, s.SignalWeightReadiness, s.SignalWeightHealth, s.SignalWeightPropensity),
            [s.PriorityCutoff1, s.PriorityCutoff2, s.PriorityCutoff3, s.PriorityCutoff4],
            s.CrossSellMaxProducts, s.MaxSignalsPerAccount, s.NrrWarningBelow, s.NrrCriticalBelow, s.HealthDeclinePoints,
            s.ChurnAccelerationPeriods, s.AnomalyMinCohortSize);
    }

    /// <summary>Writes these (validated) values onto <paramref name="org"/>.</summary>
    public void ApplyTo(Organization org)
    {
        org.Name = Name;
        org.TimeZone = Timezone;
        org.Currency = Currency;
        org.FiscalYearStartMonth = FiscalYearStartMonth;
        org.TerminaGroupId = TerminaGroupId;
        org.TerminaDealId = TerminaDealId;
        org.PixelId = UpstackPixelId;
        var s = org.Settings;
        s.CountPendingOrders = CountPendingOrders;
        s.CountVoidedOrders = CountVoidedOrders;
        s.RefundDateAttribution = EnumNames.FromSnake<RefundDateAttribution>(RefundDateAttribution);
        s.ChurnDefinition = EnumNames.FromSnake<ChurnDefinition>(ChurnDefinition);
        s.AffinityHighSampleSize = ConfidenceHighMinSample;
        s.AffinityMediumSampleSize = ConfidenceMediumMinSample;
        (s.SignalWeightAffinity, s.SignalWeightReadiness, s.SignalWeightHealth, s.SignalWeightPropensity) =
            (SignalWeights.Affinity, SignalWeights.Readiness, SignalWeights.Health, SignalWeights.Propensity);
        (s.PriorityCutoff1, s.PriorityCutoff2, s.PriorityCutoff3, s.PriorityCutoff4) =
            (PriorityCutoffs[0], PriorityCutoffs[1], PriorityCutoffs[2], PriorityCutoffs[3]);
        s.CrossSellMaxProducts = CrossSellMaxProducts;
        s.MaxSignalsPerAccount = MaxSignalsPerAccount;
        s.NrrWarningBelow = NrrWarningBelow;
        s.NrrCriticalBelow = NrrCriticalBelow;
        s.HealthDeclinePoints = HealthDeclinePoints;
        s.ChurnAccelerationPeriods = ChurnAccelerationPeriods;
        s.AnomalyMinCohortSize = AnomalyMinCohortSize;
    }
}
