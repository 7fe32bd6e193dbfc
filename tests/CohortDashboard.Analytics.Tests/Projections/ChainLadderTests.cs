using CohortDashboard.Analytics.Projections;

namespace CohortDashboard.Analytics.Tests.Projections;

/// <summary>
/// A hand-worked 4 × 4 cumulative triangle:
/// <code>
///            k=0   k=1   k=2   k=3
/// cohort A   100   150   180   190
/// cohort B   110   170   200    ·
/// cohort C   120   170    ·     ·
/// cohort D   130    ·     ·     ·
/// </code>
/// f0 = (150 + 170 + 170) / (100 + 110 + 120) = 490/330 ≈ 1.484848, f1 = (180 + 200) / (150 + 170) = 380/320 = 1.1875,
/// f2 = 190/180 ≈ 1.055556.
/// B at k=3: 200 · 190/180 ≈ 211.1111. C: k=2 170 · 1.1875 = 201.875, k=3 201.875 · 190/180 ≈ 213.0903.
/// D: k=1 130 · 490/330 ≈ 193.0303, k=2 ≈ 229.2235, k=3 ≈ 241.9581.
/// Mack: σ²0 = ½ [100 (1.5 − f0)² + 110 (170/110 − f0)² + 120 (170/120 − f0)²] ≈ 0.492424;
/// σ²1 = 150 (1.2 − f1)² + 170 (200/170 − f1)² ≈ 0.044118 (m − 1 = 1);
/// σ²2 (one cohort) = min(σ²1² / σ²0, σ²0, σ²1) ≈ 0.003953.
/// </summary>
public sealed class ChainLadderTests
{
    private static readonly DevelopmentRow[] Triangle =
    [
        new("A", [100, 150, 180, 190]),
        new("B", [110, 170, 200]),
        new("C", [120, 170]),
        new("D", [130]),
    ];

    [Fact]
    public void Project_HandWorkedTriangle_GivesVolumeWeightedFactors()
    {
        var result = ChainLadder.Project(Triangle, lastOffset: 3);

        Assert.Equal([490.0 / 330, 380.0 / 320, 190.0 / 180], result.Factors.Select(f => f.Factor), new Tolerance(1e-12));
        Assert.Equal([3, 2, 1], result.Factors.Select(f => f.Cohorts));
    }

    [Fact]
    public void Project_HandWorkedTriangle_CarriesYoungerCohortsForward()
    {
        var rows = ChainLadder.Project(Triangle, lastOffset: 3).Rows.ToDictionary(r => r.Key);

        Assert.Empty(rows["A"].Projected);
        Assert.Equal(200.0 * 190 / 180, rows["B"].At(3)!.Value, 1e-9);
        Assert.Equal(170.0 * 380 / 320, rows["C"].At(2)!.Value, 1e-9);
        Assert.Equal(170.0 * 380 / 320 * 190 / 180, rows["C"].At(3)!.Value, 1e-9);
        Assert.Equal(130.0 * 490 / 330, rows["D"].At(1)!.Value, 1e-9);
        Assert.Equal(130.0 * 490 / 330 * 380 / 320 * 190 / 180, rows["D"].At(3)!.Value, 1e-9);
        Assert.Null(rows["D"].At(0)); // observed, not projected
    }

    [Fact]
    public void Project_HandWorkedTriangle_GivesMackSigmasAndStandardError()
    {
        var result = ChainLadder.Project(Triangle, lastOffset: 3);
        double f0 = 490.0 / 330, f1 = 380.0 / 320, f2 = 190.0 / 180;
        var s0 = (100 * Math.Pow(1.5 - f0, 2) + 110 * Math.Pow(170.0 / 110 - f0, 2) + 120 * Math.Pow(170.0 / 120 - f0, 2)) / 2;
        var s1 = 150 * Math.Pow(1.2 - f1, 2) + 170 * Math.Pow(200.0 / 170 - f1, 2);
        var s2 = Math.Min(s1 * s1 / s0, Math.Min(s0, s1));
        Assert.Equal(0.492424, s0, 1e-6);
        Assert.Equal([s0, s1, s2], result.Factors.Select(f => f.Sigma2!.Value), new Tolerance(1e-12));

        // B's one step: mse = Ĉ² · σ²2/f2² · (1/200 + 1/180).
        var b = result.Rows.Single(r => r.Key == "B").At(3)!;
        var se = b.Value * Math.Sqrt(s2 / (f2 * f2) * (1.0 / 200 + 1.0 / 180));
        Assert.Equal(b.Value - Projection.Z95 * se, b.Lower!.Value, 1e-9);
        Assert.Equal(b.Value + Projection.Z95 * se, b.Upper!.Value, 1e-9);

        // D's interval at k=3 is wider than C's (one more uncertain step).
        var rows = result.Rows.ToDictionary(r => r.Key);
        static double Width(ProjectedValue v) => v.Upper!.Value - v.Lower!.Value;
        Assert.True(Width(rows["D"].At(3)!) > Width(rows["C"].At(3)!));
    }

    [Fact]
    public void Project_CohortWithNothingYet_LeavesFactorsAndSigmasAlone()
    {
        var with = ChainLadder.Project([.. Triangle, new DevelopmentRow("empty", [0, 0, 0, 0])], lastOffset: 3);
        var without = ChainLadder.Project(Triangle, lastOffset: 3);

        Assert.Equal(without.Factors.Select(f => (f.Factor, f.Sigma2)), with.Factors.Select(f => (f.Factor, f.Sigma2)));
    }

    [Fact]
    public void Project_BeyondTheOldestCohort_StopsWithAReason()
    {
        var row = ChainLadder.Project(Triangle, lastOffset: 5).Rows.Single(r => r.Key == "C");

        Assert.Equal(2, row.Projected.Count); // k = 2, 3; nobody has reached k = 4
        Assert.Equal("no older cohort has reached offset 4", row.StopReason);
        Assert.Null(row.At(4));
    }

    private sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;
        public int GetHashCode(double obj) => 0;
    }
}
