namespace CohortDashboard.Analytics.Cohorts;

/// <summary>The measures of SPEC §3. Values are per cell (cohort c, offset k).</summary>
public enum CohortMeasure
{
    /// <summary>customers(c,k) / size(c), a fraction 0–1 (bounded or unbounded per <see cref="RetentionMode"/>).</summary>
    Retention,
    /// <summary>Distinct customers of c with a qualifying order in offset k (or ≥ k when unbounded).</summary>
    Customers,
    Orders,
    GrossRevenue,
    NetRevenue,
    /// <summary>Cumulative net revenue through k per cohort customer.</summary>
    Ltv,
    /// <summary>Net revenue(c,k) / orders(c,k).</summary>
    Aov,
    /// <summary>Cumulative (net − cogs) through k per cohort customer.</summary>
    Cm1,
    /// <summary>Cumulative (net − cogs − shipping − fees) through k per cohort customer.</summary>
    Cm2,
    /// <summary>Net revenue(c,k) / net revenue(c,0).</summary>
    AmountRetention,
    /// <summary>Cumulative gross revenue through k per cohort customer (seed 003 <c>ltv_cohort_gross_revenue</c>).</summary>
    GrossLtv,
}

public static class CohortMeasures
{
    public static string ToWire(this CohortMeasure measure) => measure switch
    {
        CohortMeasure.Retention => "retention",
        CohortMeasure.Customers => "customers",
        CohortMeasure.Orders => "orders",
        CohortMeasure.GrossRevenue => "gross_revenue",
        CohortMeasure.NetRevenue => "net_revenue",
        CohortMeasure.Ltv => "ltv",
        CohortMeasure.Aov => "aov",
        CohortMeasure.Cm1 => "cm1",
        CohortMeasure.Cm2 => "cm2",
        CohortMeasure.GrossLtv => "gross_ltv",
        _ => "amount_retention",
    };

    public static bool TryParse(string? value, out CohortMeasure measure) => WireNames.TryParse(value, ToWire, out measure);

    public static string DisplayName(this CohortMeasure measure) => measure switch
    {
        CohortMeasure.Retention => "Retention",
        CohortMeasure.Customers => "Customers",
        CohortMeasure.Orders => "Orders",
        CohortMeasure.GrossRevenue => "Gross revenue",
        CohortMeasure.NetRevenue => "Net revenue",
        CohortMeasure.Ltv => "LTV",
        CohortMeasure.Aov => "Average order value",
        CohortMeasure.Cm1 => "Contribution margin 1",
        CohortMeasure.Cm2 => "Contribution margin 2",
        CohortMeasure.GrossLtv => "Gross LTV",
        _ => "Amount retention",
    };

    /// <summary>A fraction shown as a percentage.</summary>
    public static bool IsPercentage(this CohortMeasure measure) =>
        measure is CohortMeasure.Retention or CohortMeasure.AmountRetention;

    public static bool IsMoney(this CohortMeasure measure) =>
        measure is CohortMeasure.GrossRevenue or CohortMeasure.NetRevenue or CohortMeasure.Ltv
            or CohortMeasure.Aov or CohortMeasure.Cm1 or CohortMeasure.Cm2 or CohortMeasure.GrossLtv;

    /// <summary>Cumulative through k (every cohort member contributes), rather than what happened in offset k.</summary>
    public static bool IsCumulative(this CohortMeasure measure) =>
        measure is CohortMeasure.Ltv or CohortMeasure.Cm1 or CohortMeasure.Cm2 or CohortMeasure.GrossLtv;
}
