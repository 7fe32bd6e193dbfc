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
}
