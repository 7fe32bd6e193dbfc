using CohortDashboard.Analytics.AccountCohorts;

namespace CohortDashboard.Analytics.Tests.AccountCohorts;

public sealed class VintageCurvesTests
{
    private static readonly DateOnly Jan = new(2026, 1, 1), Apr = new(2026, 4, 1);

    /// <summary>
    /// ARR at the ends of Jan, Feb, Mar, Apr: X 1 000 → 1 200 → 1 200 → 0; Y 500 → 500 → 300 → 300; Z 0 → 0 → 400 → 400.
    /// </summary>
    private static CohortMembers Cohort() => new(3, "Vintage 2025-Q4",
    [
        Member(1, 1_000m, 1_200m, 1_200m, 0m),
        Member(2, 500m, 500m, 300m, 300m),
        Member(3, 0m, 0m, 400m, 400m),
    ]);

    private static CohortAccount Member(long id, params decimal[] arr) => new(new AccountArrSeries(id, Jan, arr), false, null, 50, 50, 1, 50m);

    [Fact]
    public void Build_RevenueChurn_RetentionAccountsAndCumulativeMovements()
    {
        var curve = VintageCurves.Build(Cohort(), Jan, Apr, ChurnBasis.Revenue);

        // Base: January end 1 000 + 500 = 1 500 ARR, 2 accounts (X, Y); Z pays later and is not part of the base.
        Assert.Equal(1_500m, curve.StartingArr);
        Assert.Equal(2, curve.StartingAccounts);
        Assert.Equal([0, 1, 2, 3], curve.Points.Select(p => p.Offset));
        // ARR: 1 500; 1 700; 1 200 + 300 + 400 = 1 900; 0 + 300 + 400 = 700.
        Assert.Equal([1_500m, 1_700m, 1_900m, 700m], curve.Points.Select(p => p.Arr));
        // Retention: 100; 1 700 / 1 500 = 113.33; 1 900 / 1 500 = 126.67 (over 100 through Z's new ARR); 700 / 1 500 = 46.67.
        Assert.Equal([100m, 113.33m, 126.67m, 46.67m], curve.Points.Select(p => p.RetentionPct));
        // Remaining base accounts: X and Y until X leaves in April.
        Assert.Equal([2, 2, 2, 1], curve.Points.Select(p => p.AccountsRemaining));
        // Cumulative: expansion X +200 in Feb; new Z 400 in Mar; churn Y's downsell 200 in Mar, then X's 1 200 in Apr → 1 400.
        Assert.Equal([0m, 200m, 200m, 200m], curve.Points.Select(p => p.CumulativeExpansionArr));
        Assert.Equal([0m, 0m, 400m, 400m], curve.Points.Select(p => p.CumulativeNewArr));
        Assert.Equal([0m, 0m, 200m, 1_400m], curve.Points.Select(p => p.CumulativeChurnArr));
        Assert.Equal([0m, 0m, 0m, 0m], curve.Points.Select(p => p.CumulativeContractionArr));
        // Reconciles at April: 1 500 + 400 + 200 − 0 − 1 400 = 700.
        var last = curve.Points[^1];
        Assert.Equal(last.Arr, curve.StartingArr + last.CumulativeNewArr + last.CumulativeExpansionArr - last.CumulativeContractionArr - last.CumulativeChurnArr);
    }

    [Fact]
    public void Build_LogoChurn_DownsellStaysContraction()
    {
        var curve = VintageCurves.Build(Cohort(), Jan, Apr, ChurnBasis.Logo);

        // Y's March downsell of 200 is contraction; only X's April loss of 1 200 is churn.
        Assert.Equal([0m, 0m, 200m, 200m], curve.Points.Select(p => p.CumulativeContractionArr));
        Assert.Equal([0m, 0m, 0m, 1_200m], curve.Points.Select(p => p.CumulativeChurnArr));
        Assert.Equal(46.67m, curve.Points[^1].RetentionPct);
    }

    [Fact]
    public void Build_MonthsLimit_StopsAtLimit()
    {
        // Data reaches April (offset 3) but only 2 months after the start are asked for: offsets 0, 1, 2.
        var curve = VintageCurves.Build(Cohort(), Jan, Apr, ChurnBasis.Revenue, months: 2);

        Assert.Equal([0, 1, 2], curve.Points.Select(p => p.Offset));
    }

    [Fact]
    public void Build_AsOfBeforeStart_NoPoints()
    {
        var curve = VintageCurves.Build(Cohort(), Apr, Jan, ChurnBasis.Revenue);

        Assert.Empty(curve.Points);
    }

    [Fact]
    public void Build_NoArrInStartMonth_RetentionNull()
    {
        // Only Z, which first pays in March: a January start has 0 base ARR, so retention is undefined throughout.
        var cohort = new CohortMembers(4, "Late", [Member(3, 0m, 0m, 400m, 400m)]);

        var curve = VintageCurves.Build(cohort, Jan, Apr, ChurnBasis.Revenue);

        Assert.All(curve.Points, p => Assert.Null(p.RetentionPct));
        Assert.Equal(0, curve.StartingAccounts);
    }

    [Fact]
    public void Build_BaseUnderAQuarterOfPeak_RetentionLeftOutWithNote()
    {
        // Base: January 100 (X); Y joins at 900 in February → peak 1 000; 100 < 25 % × 1 000, retention would read 1 000 %.
        var cohort = new CohortMembers(4, "Custom new logos", [Member(1, 100m, 100m), Member(2, 0m, 900m)]);

        var curve = VintageCurves.Build(cohort, Jan, Jan.AddMonths(1), ChurnBasis.Revenue);

        Assert.Equal(100m, curve.StartingArr);
        Assert.Equal([100m, 1_000m], curve.Points.Select(p => p.Arr));
        Assert.All(curve.Points, p => Assert.Null(p.RetentionPct));
        Assert.Contains("under 25 % of its peak 1,000", curve.RetentionNote);
        Assert.Contains("would read 1,000%", curve.RetentionNote);
    }

    [Fact]
    public void Build_BaseAtAQuarterOfPeak_RetentionPlotted()
    {
        // 250 of a 1 000 peak is exactly the bound: plotted (400 %), no note.
        var cohort = new CohortMembers(4, "Custom", [Member(1, 250m, 250m), Member(2, 0m, 750m)]);

        var curve = VintageCurves.Build(cohort, Jan, Jan.AddMonths(1), ChurnBasis.Revenue);

        Assert.Null(curve.RetentionNote);
        Assert.Equal([100m, 400m], curve.Points.Select(p => p.RetentionPct));
    }
}
