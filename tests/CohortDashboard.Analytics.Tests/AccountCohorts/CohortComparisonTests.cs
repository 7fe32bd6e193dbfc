using CohortDashboard.Analytics.AccountCohorts;

namespace CohortDashboard.Analytics.Tests.AccountCohorts;

public sealed class CohortComparisonTests
{
    private static IEnumerable<(string, int?, ComparisonLabel)> Summary(IReadOnlyList<RankedCohort> ranked) =>
        ranked.Select(r => (r.Name, r.Rank, r.Label));

    [Fact]
    public void Rank_DistinctNrrs_HighestBestLowestWorst()
    {
        // 110 > 102 > 95.
        var ranked = CohortComparison.Rank([new(1, "A", 110m), new(2, "B", 95m), new(3, "C", 102m)]);

        Assert.Equal([("A", 1, ComparisonLabel.Best), ("C", 2, ComparisonLabel.Normal), ("B", 3, ComparisonLabel.Worst)], Summary(ranked));
    }

    [Fact]
    public void Rank_TiesAtTopAndBottom_ShareRankAndLabel()
    {
        // A and B tie at 110 (rank 1, both best); D 100 is rank 3; C and E tie at 90 (rank 4, both worst).
        var ranked = CohortComparison.Rank([new(1, "A", 110m), new(2, "B", 110m), new(3, "C", 90m), new(4, "D", 100m), new(5, "E", 90m)]);

        Assert.Equal(
            [("A", 1, ComparisonLabel.Best), ("B", 1, ComparisonLabel.Best), ("D", 3, ComparisonLabel.Normal),
             ("C", 4, ComparisonLabel.Worst), ("E", 4, ComparisonLabel.Worst)],
            Summary(ranked));
    }

    [Fact]
    public void Rank_AllEqual_AllNormal()
    {
        var ranked = CohortComparison.Rank([new(1, "A", 100m), new(2, "B", 100m)]);

        Assert.Equal([("A", 1, ComparisonLabel.Normal), ("B", 1, ComparisonLabel.Normal)], Summary(ranked));
    }

    [Fact]
    public void Rank_SingleCohort_Normal()
    {
        Assert.Equal([("A", 1, ComparisonLabel.Normal)], Summary(CohortComparison.Rank([new(1, "A", 120m)])));
    }

    [Fact]
    public void Rank_CohortWithoutNrr_UnrankedLastAndNormal()
    {
        // Z has no NRR: after the ranked ones, no rank; A 105 best, B 99 worst among the ranked.
        var ranked = CohortComparison.Rank([new(9, "Z", null), new(1, "A", 105m), new(2, "B", 99m)]);

        Assert.Equal([("A", 1, ComparisonLabel.Best), ("B", 2, ComparisonLabel.Worst), ("Z", null, ComparisonLabel.Normal)], Summary(ranked));
    }

    [Fact]
    public void ChainedNrr_ThreeMonths_ProductOfMonthlyRetention()
    {
        // 110 % then 90 % then (no starting ARR) then 100 %: 1.10 × 0.90 × 1.00 = 0.99.
        Assert.Equal(99m, CohortComparison.ChainedNrr([110m, 90m, null, 100m]));
    }

    [Fact]
    public void ChainedNrr_NoMonthWithNrr_Null()
    {
        Assert.Null(CohortComparison.ChainedNrr([null, null]));
    }

    private static readonly DateOnly Nov2026 = new(2026, 11, 1);

    /// <summary>NRR 100 every month from 2025-01 to 2026-12, except the given months.</summary>
    private static CohortNrrSeries Series(long id, string name, DateOnly? start, params (DateOnly Month, decimal Nrr)[] except)
    {
        var months = Enumerable.Range(0, 24).Select(k => new DateOnly(2025, 1, 1).AddMonths(k))
            .ToDictionary(m => m, m => (decimal?)100m);
        foreach (var (month, nrr) in except) months[month] = nrr;
        return new CohortNrrSeries(id, name, start, months);
    }

    [Fact]
    public void RankAtAge_CohortsOfDifferentAges_ComparedOnlyAtEqualAge()
    {
        // Last complete month 2026-11 (2026-12 is running; its NRR of 50 never counts).
        var a = Series(1, "A 2025-Q4", new DateOnly(2025, 11, 1), (new DateOnly(2025, 12, 1), 110m));      // M6 = M12 = 110
        var b = Series(2, "B 2026-Q2", new DateOnly(2026, 5, 1), (new DateOnly(2026, 6, 1), 90m), (new DateOnly(2026, 12, 1), 50m)); // M6 = 90 (start + 6 = 2026-11: just old enough)
        var c = Series(3, "C 2026-Q3", new DateOnly(2026, 8, 1), (new DateOnly(2026, 9, 1), 150m));       // too young for both
        var d = Series(4, "D Enterprise", null, (new DateOnly(2026, 11, 1), 105m), (new DateOnly(2025, 11, 1), 50m)); // standing: the latest months; 2025-11 is outside both spans

        var at12 = CohortComparison.RankAtAge([a, b, c, d], 12, Nov2026);
        var at6 = CohortComparison.RankAtAge([a, b, c, d], 6, Nov2026);

        Assert.Equal([("A 2025-Q4", 1, ComparisonLabel.Best), ("D Enterprise", 2, ComparisonLabel.Worst),
                      ("B 2026-Q2", null, ComparisonLabel.TooYoung), ("C 2026-Q3", null, ComparisonLabel.TooYoung)], Summary(at12));
        Assert.Equal([110m, 105m, null, null], at12.Select(r => r.Nrr));
        Assert.Equal([("A 2025-Q4", 1, ComparisonLabel.Best), ("D Enterprise", 2, ComparisonLabel.Normal),
                      ("B 2026-Q2", 3, ComparisonLabel.Worst), ("C 2026-Q3", null, ComparisonLabel.TooYoung)], Summary(at6));
        Assert.Equal([110m, 105m, 90m, null], at6.Select(r => r.Nrr));
    }
}
