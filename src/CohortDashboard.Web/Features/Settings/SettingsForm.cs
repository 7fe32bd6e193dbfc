namespace CohortDashboard.Web.Features.Settings;

/// <summary>The Admin → Settings form's editable copy of <see cref="OrgSettingsValues"/> (inputs bind to its properties).</summary>
public sealed class SettingsForm
{
    public string Name { get; set; } = "";
    public string Timezone { get; set; } = "";
    public string Currency { get; set; } = "";
    public int FiscalYearStartMonth { get; set; }
    public int? TerminaGroupId { get; set; }
    public int? TerminaDealId { get; set; }
    public string? UpstackPixelId { get; set; }
    public bool CountPendingOrders { get; set; }
    public bool CountVoidedOrders { get; set; }
    public string RefundDateAttribution { get; set; } = "";
    public string ChurnDefinition { get; set; } = "";
    public int ConfidenceHighMinSample { get; set; }
    public int ConfidenceMediumMinSample { get; set; }
    public decimal WeightAffinity { get; set; }
    public decimal WeightReadiness { get; set; }
    public decimal WeightHealth { get; set; }
    public decimal WeightPropensity { get; set; }
    public decimal[] PriorityCutoffs { get; set; } = new decimal[4];
    public int CrossSellMaxProducts { get; set; }
    public int MaxSignalsPerAccount { get; set; }
    public decimal NrrWarningBelow { get; set; }
    public decimal NrrCriticalBelow { get; set; }
    public decimal HealthDeclinePoints { get; set; }
    public int ChurnAccelerationPeriods { get; set; }
    public int AnomalyMinCohortSize { get; set; }

    public static SettingsForm From(OrgSettingsValues v) => new()
    {
        Name = v.Name, Timezone = v.Timezone, Currency = v.Currency, FiscalYearStartMonth = v.FiscalYearStartMonth,
        TerminaGroupId = v.TerminaGroupId, TerminaDealId = v.TerminaDealId, UpstackPixelId = v.UpstackPixelId,
        CountPendingOrders = v.CountPendingOrders, CountVoidedOrders = v.CountVoidedOrders, RefundDateAttribution = v.RefundDateAttribution,
        ChurnDefinition = v.ChurnDefinition, ConfidenceHighMinSample = v.ConfidenceHighMinSample, ConfidenceMediumMinSample = v.ConfidenceMediumMinSample,
        WeightAffinity = v.SignalWeights.Affinity, WeightReadiness = v.SignalWeights.Readiness, WeightHealth = v.SignalWeights.Health,
        WeightPropensity = v.SignalWeights.Propensity, PriorityCutoffs = [.. v.PriorityCutoffs], CrossSellMaxProducts = v.CrossSellMaxProducts,
        MaxSignalsPerAccount = v.MaxSignalsPerAccount, NrrWarningBelow = v.NrrWarningBelow, NrrCriticalBelow = v.NrrCriticalBelow,
        HealthDeclinePoints = v.HealthDeclinePoints, ChurnAccelerationPeriods = v.ChurnAccelerationPeriods, AnomalyMinCohortSize = v.AnomalyMinCohortSize,
    };

    public OrgSettingsValues ToValues() => new(
        Name.Trim(), Timezone.Trim(), Currency.Trim().ToUpperInvariant(), FiscalYearStartMonth, TerminaGroupId, TerminaDealId,
        string.IsNullOrWhiteSpace(UpstackPixelId) ? null : UpstackPixelId.Trim(), CountPendingOrders, CountVoidedOrders, RefundDateAttribution,
        ChurnDefinition, ConfidenceHighMinSample, ConfidenceMediumMinSample,
        new SignalWeightValues(WeightAffinity, WeightReadiness, WeightHealth, WeightPropensity), [.. PriorityCutoffs],
        CrossSellMaxProducts, MaxSignalsPerAccount, NrrWarningBelow, NrrCriticalBelow, HealthDeclinePoints, ChurnAccelerationPeriods,
        AnomalyMinCohortSize);
}
