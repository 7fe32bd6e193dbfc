using CohortDashboard.Analytics.Expansion;

namespace CohortDashboard.Analytics.Tests.Expansion;

public sealed class SignalScorerTests
{
    private const long P1 = 1, P2 = 2, P3 = 3;

    private static readonly CatalogProduct[] Catalog = [new(P1, "CRM", 1000m), new(P2, "Analytics", 800m), new(P3, "Support", 1200m)];

    private static AffinityCell Cell(string segment, long a, long b, decimal rate, int sample, AffinityConfidence confidence, decimal? uplift) =>
        new(a, b, segment, rate > 0 ? Math.Max(1, (int)(sample * rate / 100m)) : 0, rate, null, uplift, sample, confidence, null);

    [Theory]
    [InlineData("1.0", 1)]
    [InlineData("0.80", 1)]
    [InlineData("0.7999", 2)]
    [InlineData("0.65", 2)]
    [InlineData("0.6499", 3)]
    [InlineData("0.50", 3)]
    [InlineData("0.4999", 4)]
    [InlineData("0.35", 4)]
    [InlineData("0.3499", 5)]
    [InlineData("0", 5)]
    public void Priority_DefaultCutoffs_BoundaryScoresLandInTheHigherPriority(string score, int expected) =>
        Assert.Equal(expected, SignalScorer.Priority(decimal.Parse(score, System.Globalization.CultureInfo.InvariantCulture), PriorityCutoffs.Default));

    [Theory]
    [InlineData(250, 1000, "0.5")]   // 0.25 clamped up
    [InlineData(500, 1000, "0.5")]   // exactly the lower bound
    [InlineData(750, 1000, "0.75")]
    [InlineData(2000, 1000, "2")]    // exactly the upper bound
    [InlineData(5000, 1000, "2")]    // 5 clamped down
    [InlineData(700, 0, "1")]        // no positive median: neutral
    public void ArrFactor_RatioToSegmentMedian_ClampedBetweenHalfAndTwo(int arr, int median, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), SignalScorer.ArrFactor(arr, median));

    [Fact]
    public void Composite_DefaultWeights_IsTheWeightedSum()
    {
        // 0.40·0.75 + 0.25·0.5 + 0.20·0.8 + 0.15·0.6 = 0.3 + 0.125 + 0.16 + 0.09
        Assert.Equal(0.675m, SignalScorer.Composite(ScoringWeights.Default, 0.75m, 0.5m, 0.8m, 0.6m));
        Assert.Equal(1m, SignalScorer.Composite(ScoringWeights.Default, 1m, 1m, 1m, 1m));
        Assert.Equal(0m, SignalScorer.Composite(ScoringWeights.Default, 0m, 0m, 0m, 0m));
    }

    [Fact]
    public void Score_WeightsNotSummingToOne_Throws()
    {
        var settings = ScoringSettings.Default with { Weights = new ScoringWeights(0.5m, 0.25m, 0.2m, 0.15m) };
        var error = Assert.Throws<ArgumentException>(() => SignalScorer.Score([], Catalog, [], settings));
        Assert.Contains("sum to 1", error.Message);
    }

    [Fact]
    public void Score_SegmentCellLowConfidence_FallsBackToAllAndPicksBestSource()
    {
        // X owns P1 (adoption 60) and P2 (adoption 40); Y is a second Enterprise account for the median.
        var x = new ScoringAccount(10, "Enterprise", 2000m, 80, null, [new(P1, 60m), new(P2, 40m)]);
        var y = new ScoringAccount(11, "Enterprise", 500m, 50, 50, []);
        AffinityCell[] cells =
        [
            Cell("Enterprise", P1, P3, 90m, 5, AffinityConfidence.Low, 5000m),  // ignored: low → use all
            Cell("all", P1, P3, 20m, 40, AffinityConfidence.High, 900m),
            Cell("all", P2, P3, 30m, 12, AffinityConfidence.Medium, 1000m),
            Cell("Enterprise", P2, P3, 60m, 15, AffinityConfidence.Medium, 1500m), // best: 60 %
        ];

        var result = SignalScorer.Score([x, y], Catalog, cells, ScoringSettings.Default);

        var signal = Assert.Single(result.Signals);
        Assert.Equal(2, result.AccountsAnalyzed);
        Assert.Equal(3, result.ProductsEvaluated);
        Assert.Equal((10L, P3, (long?)P2), (signal.AccountId, signal.TargetProductId, signal.SourceProductId));
        Assert.Equal(0.6m, signal.AffinityComponent);
        Assert.Equal(0.5m, signal.AdoptionReadiness);   // (60 + 40) / 2 / 100
        Assert.Equal(0.8m, signal.HealthComponent);
        Assert.Equal(0.3333m, signal.PropensityComponent); // no propensity: 1 of 3 products unowned
        // 0.24 + 0.125 + 0.16 + 0.05 = 0.575
        Assert.Equal(0.575m, signal.AffinityScore);
        Assert.Equal(3, signal.Priority);
        // median of 2000 and 500 = 1250; factor 2000 / 1250 = 1.6; 1500 × 1.6
        Assert.Equal(2400.00m, signal.EstimatedArr);
        Assert.Contains("Analytics", signal.Reason);
        Assert.Contains("60%", signal.Reason);
        Assert.Contains("sample 15", signal.Reason);
        Assert.Contains("medium confidence", signal.Reason);
        Assert.Contains("readiness 50%", signal.Reason);
    }

    [Fact]
    public void Score_LowConfidenceSource_EstimatesFromAnnualPriceWithClampedFactor()
    {
        // W's ARR is 10× the SMB median (of 100, 1000, 10000 → 1000): factor clamps to 2.
        var w = new ScoringAccount(20, "SMB", 10000m, 100, 100, [new(P1, 100m)]);
        var v1 = new ScoringAccount(21, "SMB", 100m, 0, 0, []);
        var v2 = new ScoringAccount(22, "SMB", 1000m, 0, 0, []);
        AffinityCell[] cells = [Cell("all", P1, P3, 10m, 5, AffinityConfidence.Low, 999m)];

        var signal = Assert.Single(SignalScorer.Score([w, v1, v2], Catalog, cells, ScoringSettings.Default).Signals);

        Assert.Equal(2400.00m, signal.EstimatedArr); // annual price 1200 × 2
        // 0.4·0.1 + 0.25·1 + 0.2·1 + 0.15·1 = 0.64
        Assert.Equal(0.64m, signal.AffinityScore);
        Assert.Equal(3, signal.Priority);
    }

    [Fact]
    public void Score_AccountAtCrossSellMax_GetsNoSignals()
    {
        var x = new ScoringAccount(10, "Enterprise", 2000m, 80, 50, [new(P1, 60m), new(P2, 40m)]);
        AffinityCell[] cells = [Cell("all", P1, P3, 50m, 40, AffinityConfidence.High, 900m)];

        Assert.Single(SignalScorer.Score([x], Catalog, cells, ScoringSettings.Default with { CrossSellMaxProducts = 3 }).Signals);
        Assert.Empty(SignalScorer.Score([x], Catalog, cells, ScoringSettings.Default with { CrossSellMaxProducts = 2 }).Signals);
    }

    [Fact]
    public void Score_ExcludedPairOrZeroRate_GetsNoSignal()
    {
        var x = new ScoringAccount(10, "Enterprise", 2000m, 80, 50, [new(P1, 60m)]);
        AffinityCell[] cells = [Cell("all", P1, P2, 0m, 40, AffinityConfidence.High, null), Cell("all", P1, P3, 50m, 40, AffinityConfidence.High, 900m)];

        var all = SignalScorer.Score([x], Catalog, cells, ScoringSettings.Default).Signals;
        Assert.Equal([P3], all.Select(s => s.TargetProductId));

        var excluded = new HashSet<(long, long)> { (10, P3) };
        Assert.Empty(SignalScorer.Score([x], Catalog, cells, ScoringSettings.Default, excluded).Signals);
    }

    [Fact]
    public void Score_ComponentsAboveRange_AreClampedSoScoreStaysWithinOne()
    {
        var x = new ScoringAccount(10, "Enterprise", 2000m, 150, 130, [new(P1, 120m)]);
        AffinityCell[] cells = [Cell("all", P1, P3, 100m, 40, AffinityConfidence.High, 900m)];

        var signal = Assert.Single(SignalScorer.Score([x], Catalog, cells, ScoringSettings.Default).Signals);

        Assert.Equal(1m, signal.AffinityScore);
        Assert.Equal(1, signal.Priority);
        Assert.Equal(1m, signal.HealthComponent);
    }

    private static ScoredSignal Scored(long account, long product, decimal score, decimal arr = 1000m) =>
        new(account, product, 1, score, 0m, 0m, 0m, 0m, arr, 3, "");

    [Fact]
    public void BestPerAccount_FiveCandidatesCapThree_KeepsBestThreeByScore()
    {
        // Account 1: scores .9, .5, .7, .3, .7 → .9 (P10), then the two .7s (tie: the larger ARR first, P14 at 2 000), then P12 .7 at 1 000.
        // Account 2 has one candidate and keeps it.
        ScoredSignal[] signals =
        [
            Scored(1, 10, 0.9m), Scored(1, 11, 0.5m), Scored(1, 12, 0.7m), Scored(1, 13, 0.3m), Scored(1, 14, 0.7m, 2000m), Scored(2, 10, 0.2m),
        ];

        var kept = SignalScorer.BestPerAccount(signals, 3);

        Assert.Equal([(1L, 10L), (1L, 14L), (1L, 12L), (2L, 10L)], kept.Select(k => (k.AccountId, k.TargetProductId)));
    }

    [Fact]
    public void BestPerAccount_WorkedPairExcluded_DoesNotTakeASlot()
    {
        ScoredSignal[] signals = [Scored(1, 10, 0.9m), Scored(1, 11, 0.8m), Scored(1, 12, 0.7m)];
        var worked = new HashSet<(long, long)> { (1, 10) };

        var kept = SignalScorer.BestPerAccount(signals, 2, worked);

        Assert.Equal([11L, 12L], kept.Select(k => k.TargetProductId));
        Assert.Throws<ArgumentOutOfRangeException>(() => SignalScorer.BestPerAccount(signals, 0));
    }
}
