using CohortDashboard.Analytics.Expansion;

namespace CohortDashboard.Analytics.Tests.Expansion;

/// <summary>
/// Six accounts, three products; every expected number below is worked out by hand in the comments.
/// <code>
/// a1 Enterprise  P1 2025-01-01 1000   P2 2025-01-31  500
/// a2 Enterprise  P1 2025-01-01 2000   P2 2025-03-02  700
/// a3 Enterprise  P1 2025-02-01 1500
/// a4 SMB         P1 2025-01-01  300   P2 2024-12-01  100   (B before A)
/// a5 SMB         P2 2025-01-01  200   P3 2025-01-11   50
/// a6 SMB         (no products)
/// </code>
/// Confidence cut-offs high ≥ 3, medium ≥ 2 so the six accounts reach every level.
/// </summary>
public sealed class AffinityCalculatorTests
{
    private const long P1 = 1, P2 = 2, P3 = 3;
    private static readonly ConfidenceCutoffs Cutoffs = new(High: 3, Medium: 2);

    private static readonly AffinityAccount[] Accounts =
    [
        new(1, "Enterprise"), new(2, "Enterprise"), new(3, "Enterprise"),
        new(4, "SMB"), new(5, "SMB"), new(6, "SMB"),
    ];

    private static readonly AffinityHolding[] Holdings =
    [
        new(1, P1, new DateOnly(2025, 1, 1), 1000m), new(1, P2, new DateOnly(2025, 1, 31), 500m),
        new(2, P1, new DateOnly(2025, 1, 1), 2000m), new(2, P2, new DateOnly(2025, 3, 2), 700m),
        new(3, P1, new DateOnly(2025, 2, 1), 1500m),
        new(4, P1, new DateOnly(2025, 1, 1), 300m), new(4, P2, new DateOnly(2024, 12, 1), 100m),
        new(5, P2, new DateOnly(2025, 1, 1), 200m), new(5, P3, new DateOnly(2025, 1, 11), 50m),
    ];

    private static AffinityResult Compute() => AffinityCalculator.Compute(Accounts, [P1, P2, P3], Holdings, Cutoffs);

    private static AffinityCell Cell(AffinityResult result, string segment, long a, long b) =>
        Assert.Single(result.Cells, c => c.Segment == segment && c.ProductAId == a && c.ProductBId == b);

    [Fact]
    public void Compute_SixAccounts_CountsAccountsProductsAndCells()
    {
        var result = Compute();

        Assert.Equal(6, result.Accounts);
        Assert.Equal(3, result.Products);
        // all: 3 owned sources × 2 targets = 6; Enterprise: P3 has no owner → 2 × 2 = 4; SMB: 6.
        Assert.Equal(6, result.Cells.Count(c => c.Segment == "all"));
        Assert.Equal(4, result.Cells.Count(c => c.Segment == "Enterprise"));
        Assert.Equal(6, result.Cells.Count(c => c.Segment == "SMB"));
        Assert.DoesNotContain(result.Cells, c => c.ProductAId == c.ProductBId);
    }

    [Fact]
    public void Compute_AllSegmentP1ToP2_EveryMetricAsWorkedByHand()
    {
        var cell = Cell(Compute(), "all", P1, P2);

        Assert.Equal(3, cell.CoAdoptionCount);           // a1, a2, a4
        Assert.Equal(4, cell.SampleSize);                // P1 owners a1..a4
        Assert.Equal(75.00m, cell.CoAdoptionRate);       // 3 / 4
        Assert.Equal(45.0m, cell.AvgTimeToCrossSellDays); // a1 30 days, a2 60 days; a4 started B first
        Assert.Equal(433.33m, cell.AvgArrUplift);        // (500 + 700 + 100) / 3
        Assert.Equal(1.125m, cell.Lift);                 // 0.75 / (4 P2 owners / 6 accounts)
        Assert.Equal(AffinityConfidence.High, cell.Confidence); // sample 4 ≥ 3
    }

    [Fact]
    public void Compute_AllSegmentP2ToP1_OnlyCountsDaysWhereTargetStartedLater()
    {
        var cell = Cell(Compute(), "all", P2, P1);

        Assert.Equal(3, cell.CoAdoptionCount);
        Assert.Equal(75.00m, cell.CoAdoptionRate);
        Assert.Equal(31.0m, cell.AvgTimeToCrossSellDays); // only a4: 2024-12-01 → 2025-01-01
        Assert.Equal(1100.00m, cell.AvgArrUplift);        // (1000 + 2000 + 300) / 3
        Assert.Equal(1.125m, cell.Lift);
    }

    [Fact]
    public void Compute_PopularityAdjustedLift_RareTargetScoresAboveOne()
    {
        var result = Compute();

        var p2p3 = Cell(result, "all", P2, P3);
        Assert.Equal(1, p2p3.CoAdoptionCount);
        Assert.Equal(25.00m, p2p3.CoAdoptionRate);
        Assert.Equal(10.0m, p2p3.AvgTimeToCrossSellDays);
        Assert.Equal(50.00m, p2p3.AvgArrUplift);
        Assert.Equal(1.5m, p2p3.Lift); // 0.25 / (1 / 6)

        var p3p2 = Cell(result, "all", P3, P2);
        Assert.Equal(100.00m, p3p2.CoAdoptionRate);
        Assert.Null(p3p2.AvgTimeToCrossSellDays); // P2 started before P3
        Assert.Equal(200.00m, p3p2.AvgArrUplift);
        Assert.Equal(1.5m, p3p2.Lift); // 1 / (4 / 6)
        Assert.Equal(AffinityConfidence.Low, p3p2.Confidence); // sample 1

        var p1p3 = Cell(result, "all", P1, P3);
        Assert.Equal(0, p1p3.CoAdoptionCount);
        Assert.Equal(0m, p1p3.CoAdoptionRate);
        Assert.Null(p1p3.AvgArrUplift);
        Assert.Null(p1p3.AvgTimeToCrossSellDays);
        Assert.Equal(0m, p1p3.Lift);
    }

    [Fact]
    public void Compute_EnterpriseSegment_UsesOnlyItsAccounts()
    {
        var result = Compute();

        var p1p2 = Cell(result, "Enterprise", P1, P2);
        Assert.Equal(2, p1p2.CoAdoptionCount);
        Assert.Equal(3, p1p2.SampleSize);
        Assert.Equal(66.67m, p1p2.CoAdoptionRate); // 2 / 3
        Assert.Equal(45.0m, p1p2.AvgTimeToCrossSellDays);
        Assert.Equal(600.00m, p1p2.AvgArrUplift);
        Assert.Equal(1.000m, p1p2.Lift); // (2/3) / (2/3)
        Assert.Equal(AffinityConfidence.High, p1p2.Confidence); // 3 = high cut-off

        var p2p1 = Cell(result, "Enterprise", P2, P1);
        Assert.Equal(100.00m, p2p1.CoAdoptionRate);
        Assert.Equal(1500.00m, p2p1.AvgArrUplift);
        Assert.Equal(AffinityConfidence.Medium, p2p1.Confidence); // 2 = medium cut-off

        var p1p3 = Cell(result, "Enterprise", P1, P3);
        Assert.Null(p1p3.Lift); // nobody in the segment owns P3
        Assert.DoesNotContain(result.Cells, c => c.Segment == "Enterprise" && c.ProductAId == P3);
    }

    [Fact]
    public void Compute_SmbSegment_AccountWithoutProductsCountsInLiftDenominator()
    {
        var result = Compute();

        var p2p1 = Cell(result, "SMB", P2, P1);
        Assert.Equal(50.00m, p2p1.CoAdoptionRate); // a4 of a4, a5
        Assert.Equal(31.0m, p2p1.AvgTimeToCrossSellDays);
        Assert.Equal(300.00m, p2p1.AvgArrUplift);
        Assert.Equal(1.5m, p2p1.Lift); // 0.5 / (1 / 3)
        Assert.Equal(AffinityConfidence.Medium, p2p1.Confidence);

        var p1p2 = Cell(result, "SMB", P1, P2);
        Assert.Equal(100.00m, p1p2.CoAdoptionRate);
        Assert.Null(p1p2.AvgTimeToCrossSellDays);
        Assert.Equal(1.5m, p1p2.Lift); // 1 / (2 / 3)
        Assert.Equal(AffinityConfidence.Low, p1p2.Confidence); // 1 < 2
    }

    [Fact]
    public void Compute_DuplicateHoldingsOfOneProduct_CountOnceWithEarliestStartAndSummedArr()
    {
        AffinityAccount[] accounts = [new(1, "SMB")];
        AffinityHolding[] holdings =
        [
            new(1, P1, new DateOnly(2025, 1, 1), 10m),
            new(1, P2, new DateOnly(2025, 1, 21), 100m),
            new(1, P2, new DateOnly(2025, 1, 11), 50m),
        ];

        var cell = Assert.Single(AffinityCalculator.Compute(accounts, [P1, P2], holdings, Cutoffs).Cells,
            c => c.Segment == "all" && c.ProductAId == P1);

        Assert.Equal(1, cell.CoAdoptionCount);
        Assert.Equal(10.0m, cell.AvgTimeToCrossSellDays); // earliest P2 start
        Assert.Equal(150.00m, cell.AvgArrUplift);
    }

    [Fact]
    public void Compute_HoldingsOfUnknownAccountsOrProducts_AreIgnored()
    {
        AffinityHolding[] holdings = [.. Holdings, new(99, P1, new DateOnly(2025, 1, 1), 1m), new(1, 42, new DateOnly(2025, 1, 1), 1m)];

        var result = AffinityCalculator.Compute(Accounts, [P1, P2, P3], holdings, Cutoffs);

        Assert.Equal(4, Cell(result, "all", P1, P2).SampleSize);
        Assert.DoesNotContain(result.Cells, c => c.ProductAId == 42 || c.ProductBId == 42);
    }

    [Theory]
    [InlineData(30, AffinityConfidence.High)]
    [InlineData(29, AffinityConfidence.Medium)]
    [InlineData(10, AffinityConfidence.Medium)]
    [InlineData(9, AffinityConfidence.Low)]
    [InlineData(0, AffinityConfidence.Low)]
    public void Classify_DefaultCutoffs_BoundariesAreInclusive(int sample, AffinityConfidence expected) =>
        Assert.Equal(expected, ConfidenceCutoffs.Default.Classify(sample));
}
