using CohortDashboard.Analytics.Overview;
using CohortDashboard.Analytics.Periods;

namespace CohortDashboard.Analytics.Tests.Overview;

public sealed class OverviewCalculatorTests
{
    private static readonly TimeZoneInfo NewYork = LocalCalendar.FindTimeZone("America/New_York");
    private static readonly DateTime AsOf = new(2026, 11, 22, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void BuildTrend_RefundInLaterMonth_ReducesThatMonthNotTheOrderMonth()
    {
        var months = LocalCalendar.MonthsEndingAt(AsOf, NewYork, 3); // Sep, Oct, Nov 2026
        var totals = new[] { new MonthTotals(0, 100.00m, 10.00m, 2), new MonthTotals(1, 50.00m, 0m, 1) };
        var refunds = new[] { new MonthRefunds(1, 30.00m) }; // a September order refunded in October

        var trend = OverviewCalculator.BuildTrend(months, totals, refunds, AsOf);

        Assert.Equal([90.00m, 20.00m, 0m], trend.Months.Select(m => m.NetRevenue));
        Assert.Equal([100.00m, 50.00m, 0m], trend.Months.Select(m => m.GrossRevenue));
        Assert.Equal([2, 1, 0], trend.Months.Select(m => m.ActiveCustomers));
    }

    [Fact]
    public void BuildTrend_AsOfInsideLastMonth_MarksOnlyThatMonthInProgress()
    {
        var months = LocalCalendar.MonthsEndingAt(AsOf, NewYork, 3);

        var trend = OverviewCalculator.BuildTrend(months, [], [], AsOf);

        Assert.Equal([false, false, true], trend.Months.Select(m => m.InProgress));
    }

    [Fact]
    public void BuildTrend_TwentyFourMonths_ComparesLastTwelveWithPriorTwelve()
    {
        var months = LocalCalendar.MonthsEndingAt(AsOf, NewYork, 24);
        // Prior year: 12 × 100 = 1,200. Last year: 12 × 150 = 1,800 → +50.0 %.
        var totals = Enumerable.Range(0, 24).Select(i => new MonthTotals(i, i < 12 ? 100m : 150m, 0m, 1));

        var trend = OverviewCalculator.BuildTrend(months, totals, [], AsOf);

        Assert.Equal(1800m, trend.NetRevenueLast12);
        Assert.Equal(1200m, trend.NetRevenuePrior12);
        Assert.Equal(50.0m, trend.NetRevenueChangePct);
        Assert.Equal(1, trend.ActiveCustomersLastFullMonth);
    }

    [Fact]
    public void BuildTrend_FewerThanTwentyFourMonths_HasNoPriorComparison()
    {
        var months = LocalCalendar.MonthsEndingAt(AsOf, NewYork, 12);

        var trend = OverviewCalculator.BuildTrend(months, [new MonthTotals(3, 10m, 0m, 1)], [], AsOf);

        Assert.Null(trend.NetRevenuePrior12);
        Assert.Null(trend.NetRevenueChangePct);
        Assert.Equal(10m, trend.NetRevenueLast12);
    }

    [Fact]
    public void BuildTrend_PriorYearWithoutRevenue_HasNoPercentChange()
    {
        var months = LocalCalendar.MonthsEndingAt(AsOf, NewYork, 24);

        var trend = OverviewCalculator.BuildTrend(months, [new MonthTotals(20, 10m, 0m, 1)], [], AsOf);

        Assert.Equal(0m, trend.NetRevenuePrior12);
        Assert.Null(trend.NetRevenueChangePct);
    }
}
