using CohortDashboard.Analytics.Cohorts;

namespace CohortDashboard.Analytics.Tests.Cohorts;

public sealed class CohortApiHelpersTests
{
    private static readonly PeriodCalendar Months = new(Granularity.Month, TimeZoneInfo.Utc);

    private static CohortFact Fact(int period, int orders, decimal gross, decimal discounts = 0m, decimal refunds = 0m) =>
        new(period, orders, gross, discounts, refunds, 0m, 0m, 0m);

    [Fact]
    public void Build_GrossLtv_IsCumulativeGrossPerCohortCustomer()
    {
        var accumulator = new CohortAccumulator(100, 100, 102, 3);
        accumulator.AddCustomer(1, CohortMatrixBuilder.AllGroup, [Fact(100, 1, 100m, discounts: 10m), Fact(102, 1, 50m)]);
        accumulator.AddCustomer(2, CohortMatrixBuilder.AllGroup, [Fact(100, 2, 30m), Fact(101, 1, 20m, refunds: 5m)]);

        var cells = CohortMatrixBuilder.Build(accumulator, Months, CohortMeasure.GrossLtv, RetentionMode.Bounded).Groups[0].Rows[0].Cells;

        Assert.Equal([65m, 75m, 100m], cells.Select(c => c!.Value!.Value));
        Assert.Equal("gross_ltv", CohortMeasure.GrossLtv.ToWire());
        Assert.True(CohortMeasure.GrossLtv.IsCumulative());
        Assert.True(CohortMeasures.TryParse("amount_retention", out var parsed) && parsed == CohortMeasure.AmountRetention);
    }

    [Fact]
    public void CustomerCohortTable_TwoCustomers_TotalsRetentionAndLtv()
    {
        var table = new CustomerCohortTable(100, 102, f => f.Net);
        table.Add(1, [Fact(100, 1, 100m), Fact(102, 1, 60m)]);
        table.Add(2, [Fact(100, 1, 300m), Fact(101, 0, 0m, refunds: 50m)]);
        table.Add(3, [Fact(99, 1, 10m), Fact(100, 1, 10m)]);   // acquired before the first cohort: left out
        table.Add(4, [Fact(101, 0, 0m, refunds: 5m), Fact(102, 1, 40m)]); // first order in 102

        Assert.Equal([1L, 2L, 4L], table.Customers.Select(c => c.CustomerId));
        var totals = table.CohortTotals();
        var first = totals.Where(t => t.Cohort == 100).ToList();
        Assert.Equal([400m, -50m, 60m], first.Select(t => t.Amount));
        Assert.All(first, t => Assert.Equal(400m, t.CohortSizeAmount));
        Assert.Equal([1m, 0m, 0.5m], first.Select(t => t.LogoRetention));
        Assert.Equal([200m, 175m, 205m], first.Select(t => t.Ltv));
        Assert.Equal(-0.125m, first[1].AmountRetention);
        var late = Assert.Single(totals, t => t.Cohort == 102);
        Assert.Equal((1, 40m, 40m), (late.Size, late.Amount, late.Ltv));
    }

    [Fact]
    public void GrowthAccounting_MixedUsers_ClassifiesCountsAndAmounts()
    {
        var growth = new GrowthAccounting(10, 12, f => f.Net);
        growth.Add(1, [Fact(5, 1, 1m), Fact(9, 1, 50m), Fact(10, 1, 80m), Fact(12, 1, 30m)]); // retained, churned, resurrected
        growth.Add(2, [Fact(11, 1, 100m), Fact(12, 1, 70m)]);                                // new, retained (contraction)
        growth.Add(3, [Fact(8, 1, 20m), Fact(10, 1, 20m)]);                                  // resurrected, churned

        var periods = growth.Periods();

        Assert.Equal([10, 11, 12], periods.Select(p => p.Period));
        Assert.Equal((2, 0, 1, 1, 0), (periods[0].ActiveUsers, periods[0].NewUsers, periods[0].RetainedUsers, periods[0].ResurrectedUsers, periods[0].ChurnedUsers));
        Assert.Equal((100m, 80m, 20m, 30m, 0m), (periods[0].Revenue, periods[0].Retained, periods[0].Resurrected, periods[0].Expansion, periods[0].Contraction));
        Assert.Equal((1, 1, 2, 100m, 100m), (periods[1].ActiveUsers, periods[1].NewUsers, periods[1].ChurnedUsers, periods[1].New, periods[1].Churned));
        Assert.Equal((2, 1, 1, 0), (periods[2].ActiveUsers, periods[2].RetainedUsers, periods[2].ResurrectedUsers, periods[2].ChurnedUsers));
        Assert.Equal((70m, 30m, 30m), (periods[2].Retained, periods[2].Resurrected, periods[2].Contraction));
    }

    private static CohortRow Row(int period, int size, params decimal?[] retention) =>
        new(period, Months.Label(period), Months.StartDate(period), Months.EndDate(period), size,
            retention.Select((r, k) => r is null ? null : new CohortCell(r, (int)(r.Value * size), size, 0, r, false)).ToArray());

    [Fact]
    public void CompletedMean_SkipsInProgressAndUnstarted_WeightsBySize()
    {
        var running = Row(24303, 50, 1m, 0.9m);
        running = running with { Cells = [running.Cells[0], running.Cells[1]! with { InProgress = true }] };
        var rows = new[] { Row(24301, 10, 1m, 0.5m), Row(24302, 30, 1m, 0.1m), running, Row(24304, 5, 1m, null) };

        Assert.Equal(0.2m, CohortInsights.CompletedMean(rows, 1, c => c.Retention));
        Assert.Null(CohortInsights.CompletedMean(rows, 2, c => c.Retention));
        Assert.Equal([1, 2], CohortInsights.TopByRetention(rows, 1, 3).Select(r => r.Period - 24300));
    }

    [Fact]
    public void Notes_SixCompletedCohorts_BestWorstAndDecliningTrend()
    {
        var rows = new[] { 0.5m, 0.4m, 0.45m, 0.2m, 0.3m, 0.25m }.Select((r, i) => Row(24300 + i, 10, 1m, r)).ToList();

        var notes = CohortInsights.Notes(rows.Skip(3).ToList(), rows);

        Assert.Equal(["best_cohort", "worst_cohort", "m1_trend"], notes.Select(n => n.Kind));
        Assert.StartsWith(Months.Label(24304) + " is the best", notes[0].Text);
        Assert.StartsWith(Months.Label(24303) + " is the weakest", notes[1].Text);
        Assert.StartsWith("M1 retention is declining: 25.0%", notes[2].Text);
    }

    [Fact]
    public void Notes_NoCompletedM1_SaysInsufficientData()
    {
        var notes = CohortInsights.Notes([Row(24300, 10, 1m)], [Row(24300, 10, 1m)]);
        Assert.Equal("insufficient_data", Assert.Single(notes).Kind);
    }
}
