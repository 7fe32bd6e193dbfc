namespace CohortDashboard.Web.Features.Settings;

/// <summary>What saving a changed setting does to results computed before it.</summary>
public enum SettingEffect
{
    /// <summary>Read at query time: the next page load or API call already uses it.</summary>
    Live,
    /// <summary>Stored tables (affinity, signals) follow it after "Recompute all"; results are marked stale until then.</summary>
    DerivedTables,
    /// <summary>Account-cohort snapshots follow it after their recompute (the Account cohorts page says so until then).</summary>
    AccountCohorts,
    /// <summary>The cohort facts are bucketed by it: rebuilt in the background at once, results stale until done.</summary>
    Facts,
}

/// <summary>One setting: its wire name, page group, label, one-line explanation and effect.</summary>
public sealed record SettingField(string Key, string Group, string Label, string Explanation, SettingEffect Effect);

/// <summary>The settings, in page order, and how two sets of values differ.</summary>
public static class SettingsFields
{
    public const string General = "General";
    public const string Orders = "Orders";
    public const string Expansion = "Expansion";
    public const string AccountCohorts = "Account cohorts";

    public static IReadOnlyList<string> Groups { get; } = [General, Orders, Expansion, AccountCohorts];

    public static IReadOnlyList<SettingField> All { get; } =
    [
        new("name", General, "Organization name", "Shown in the top bar; an identity provider's org claim may carry it.", SettingEffect.Live),
        new("timezone", General, "Timezone (IANA)", "Orders fall into the local day, month and year of this zone, e.g. Europe/Paris.", SettingEffect.Facts),
        new("currency", General, "Currency (ISO 4217)", "How money is labelled; amounts are not converted.", SettingEffect.Live),
        new("fiscal_year_start_month", General, "Fiscal year starts in", "Month 1-12; sets fiscal quarters and account vintages.", SettingEffect.AccountCohorts),
        new("termina_group_id", General, "Termina group id", "With the deal id, the Termina API's name for this org (both or neither).", SettingEffect.Live),
        new("termina_deal_id", General, "Termina deal id", "With the group id, the Termina API's name for this org.", SettingEffect.Live),
        new("upstack_pixel_id", General, "Upstack pixel id", "The pixel id the Upstack API names this org by.", SettingEffect.Live),
        new("count_pending_orders", Orders, "Count pending orders", "Pending orders count as purchases in cohorts and revenue.", SettingEffect.Live),
        new("count_voided_orders", Orders, "Count voided orders", "Voided orders count as purchases in cohorts and revenue.", SettingEffect.Live),
        new("refund_date_attribution", Orders, "Refunds count on", "refund_date: in the period of the refund; order_date: in the period of the order.", SettingEffect.Live),
        new("anomaly_min_cohort_size", Orders, "Smallest cohort flagged as an anomaly", "Customer cohorts smaller than this are never flagged.", SettingEffect.Live),
        new("confidence_high_min_sample", Expansion, "High confidence from (accounts)", "Affinity pairs seen in at least this many accounts are high confidence.", SettingEffect.DerivedTables),
        new("confidence_medium_min_sample", Expansion, "Medium confidence from (accounts)", "At least this many (and below high) is medium; fewer is low.", SettingEffect.DerivedTables),
        new("signal_weights", Expansion, "Signal score weights", "Affinity, readiness, health and propensity; they sum to 1.", SettingEffect.DerivedTables),
        new("priority_cutoffs", Expansion, "Priority cut-offs", "Scores at or above each cut-off get priority 1-4 (highest first, descending).", SettingEffect.DerivedTables),
        new("cross_sell_max_products", Expansion, "Cross-sell up to (products owned)", "Accounts owning this many active products get no cross-sell signal.", SettingEffect.DerivedTables),
        new("max_signals_per_account", Expansion, "Signals per account", "Signal generation keeps at most this many per account, best first.", SettingEffect.DerivedTables),
        new("churn_definition", AccountCohorts, "Churn definition", "revenue: downsell counts as churn; logo: only lost accounts.", SettingEffect.AccountCohorts),
        new("nrr_warning_below", AccountCohorts, "NRR warning below (%)", "A cohort month under this NRR is a warning anomaly.", SettingEffect.AccountCohorts),
        new("nrr_critical_below", AccountCohorts, "NRR critical below (%)", "Under this NRR it is critical; not above the warning level.", SettingEffect.AccountCohorts),
        new("health_decline_points", AccountCohorts, "Health decline (points)", "A month-on-month fall of average health by this much is flagged.", SettingEffect.AccountCohorts),
        new("churn_acceleration_periods", AccountCohorts, "Accelerating churn (months)", "This many consecutive months of rising churn is flagged.", SettingEffect.AccountCohorts),
    ];

    private static readonly Dictionary<string, SettingField> ByKey = All.ToDictionary(f => f.Key, StringComparer.Ordinal);

    public static SettingField Field(string key) => ByKey[key];

    public static bool IsKnown(string key) => ByKey.ContainsKey(key);

    /// <summary>Each setting's value, keyed by wire name, as the audit log records it.</summary>
    public static IReadOnlyDictionary<string, object?> ValuesOf(OrgSettingsValues v) => new Dictionary<string, object?>
    {
        ["name"] = v.Name, ["timezone"] = v.Timezone, ["currency"] = v.Currency, ["fiscal_year_start_month"] = v.FiscalYearStartMonth,
        ["termina_group_id"] = v.TerminaGroupId, ["termina_deal_id"] = v.TerminaDealId, ["upstack_pixel_id"] = v.UpstackPixelId,
        ["count_pending_orders"] = v.CountPendingOrders, ["count_voided_orders"] = v.CountVoidedOrders,
        ["refund_date_attribution"] = v.RefundDateAttribution, ["anomaly_min_cohort_size"] = v.AnomalyMinCohortSize,
        ["confidence_high_min_sample"] = v.ConfidenceHighMinSample, ["confidence_medium_min_sample"] = v.ConfidenceMediumMinSample,
        ["signal_weights"] = v.SignalWeights, ["priority_cutoffs"] = v.PriorityCutoffs.ToArray(),
        ["cross_sell_max_products"] = v.CrossSellMaxProducts, ["max_signals_per_account"] = v.MaxSignalsPerAccount,
        ["churn_definition"] = v.ChurnDefinition, ["nrr_warning_below"] = v.NrrWarningBelow, ["nrr_critical_below"] = v.NrrCriticalBelow,
        ["health_decline_points"] = v.HealthDeclinePoints, ["churn_acceleration_periods"] = v.ChurnAccelerationPeriods,
    };

    /// <summary>The wire names of the settings whose values differ, in page order.</summary>
    public static IReadOnlyList<string> Changed(OrgSettingsValues before, OrgSettingsValues after)
    {
        var (a, b) = (ValuesOf(before), ValuesOf(after));
        return All.Select(f => f.Key).Where(key => !Same(a[key], b[key])).ToList();
    }

    private static bool Same(object? x, object? y) => (x, y) switch
    {
        (decimal[] l, decimal[] r) => l.SequenceEqual(r),
        _ => Equals(x, y),
    };
}
