using CohortDashboard.Analytics.Periods;

namespace CohortDashboard.Analytics.Overview;

/// <summary>Sums for one local month, as the database returned them (refunds already attributed to a month).</summary>
public sealed record MonthTotals(int MonthIndex, decimal GrossRevenue, decimal Discounts, int ActiveCustomers);

public sealed record MonthRefunds(int MonthIndex, decimal RefundedAmount);

public sealed record MonthlyRevenuePoint(string Label, decimal GrossRevenue, decimal NetRevenue, int ActiveCustomers, bool InProgress);

public sealed record RevenueTrend(
    IReadOnlyList<MonthlyRevenuePoint> Months,
    decimal NetRevenueLast12,
    decimal? NetRevenuePrior12,
    decimal? NetRevenueChangePct,
    int ActiveCustomersLastFullMonth);

public static class OverviewCalculator
{
    /// <summary>
    /// Builds the monthly series: net = gross − discounts − refunds attributed to that month. Months with no orders are
    /// real zeros (they have elapsed); the month containing <paramref name="asOfUtc"/> is marked in progress.
    /// The last-12 vs prior-12 comparison needs 24 months; with fewer, the prior figure is null.
    /// </summary>
    public static RevenueTrend BuildTrend(
        IReadOnlyList<LocalMonth> months, IEnumerable<MonthTotals> totals, IEnumerable<MonthRefunds> refunds, DateTime asOfUtc)
    {
        var totalsByMonth = totals.ToDictionary(t => t.MonthIndex);
        var refundsByMonth = refunds.GroupBy(r => r.MonthIndex).ToDictionary(g => g.Key, g => g.Sum(r => r.RefundedAmount));

        var points = new List<MonthlyRevenuePoint>(months.Count);
        for (var i = 0; i < months.Count; i++)
        {
            totalsByMonth.TryGetValue(i, out var total);
            refundsByMonth.TryGetValue(i, out var refunded);
            var gross = total?.GrossRevenue ?? 0m;
            var net = gross - (total?.Discounts ?? 0m) - refunded;
            var inProgress = asOfUtc >= months[i].StartUtc && asOfUtc < months[i].EndUtc;
            points.Add(new MonthlyRevenuePoint(months[i].Label, gross, net, total?.ActiveCustomers ?? 0, inProgress));
        }

        var last12 = points.TakeLast(12).Sum(p => p.NetRevenue);
        decimal? prior12 = points.Count >= 24 ? points.SkipLast(12).TakeLast(12).Sum(p => p.NetRevenue) : null;
        decimal? change = prior12 is > 0m ? Math.Round((last12 - prior12.Value) / prior12.Value * 100m, 1) : null;
        var lastFull = points.LastOrDefault(p => !p.InProgress);
        return new RevenueTrend(points, last12, prior12, change, lastFull?.ActiveCustomers ?? 0);
    }
}
