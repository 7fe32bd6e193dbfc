using CohortDashboard.Analytics.Projections;

namespace CohortDashboard.Analytics.Tests.Projections;

/// <summary>
/// The sBG model against Fader &amp; Hardie (2007), "How to Project Customer Retention": two segments of 1,000 customers
/// observed for 7 years, and the α, β the paper reports for them.
/// </summary>
public sealed class ShiftedBetaGeometricTests
{
    private static readonly int[] HighEnd = [1000, 869, 743, 653, 593, 551, 517, 491];
    private static readonly int[] Regular = [1000, 631, 468, 382, 326, 289, 262, 241];

    [Theory]
    [InlineData(1.0, 0.0)]
    [InlineData(2.0, 0.0)]
    [InlineData(0.5, 0.5723649429247004)] // ln √π
    [InlineData(10.0, 12.801827480081467)] // ln 9! = ln 362880
    [InlineData(0.1, 2.2527126517342055)]  // reference values here and below: Python's math.lgamma
    [InlineData(3.3, 0.9870985778947339)]
    [InlineData(171.5, 709.1431630309282)]
    public void LogGamma_KnownValues_MatchToTenDecimals(double x, double expected) =>
        Assert.Equal(expected, SpecialFunctions.LogGamma(x), 1e-10);

    [Fact]
    public void Survival_ClosedFormAndRecursion_Agree()
    {
        // S(t) by B(α, β + t) / B(α, β) against the recursion S(t) = S(t − 1)(β + t − 1)/(α + β + t − 1), and
        // P(T = t) = S(t − 1) − S(t).
        const double alpha = 0.704, beta = 1.182;
        var survival = 1.0;
        for (var t = 1; t <= 20; t++)
        {
            var previous = survival;
            survival *= (beta + t - 1) / (alpha + beta + t - 1);
            Assert.Equal(survival, ShiftedBetaGeometric.Survival(alpha, beta, t), 1e-12);
            Assert.Equal(previous - survival, ShiftedBetaGeometric.ChurnProbability(alpha, beta, t), 1e-12);
        }
    }

    [Theory]
    [InlineData("High End", 0.668, 3.806)]
    [InlineData("Regular", 0.704, 1.182)]
    public void Fit_PaperSegments_GivesPublishedParametersToThreeDecimals(string segment, double alpha, double beta)
    {
        var fit = ShiftedBetaGeometric.Fit([new SurvivalSeries(segment == "Regular" ? Regular : HighEnd)]).Fit!;

        Assert.Equal(alpha, Math.Round(fit.Alpha, 3));
        Assert.Equal(beta, Math.Round(fit.Beta, 3));
        Assert.NotNull(fit.Covariance);
        Assert.False(fit.AtBoundary);
    }

    /// <summary>
    /// Years 8–12: the paper's projections are S(t) · 1000 from its published α, β. Those are rounded to 3 decimals, so
    /// they stand for any α, β within ±0.0005; the tolerance is the most S(t) · 1000 moves over that rounding box
    /// (its corners; S is monotone in each parameter), computed here rather than guessed.
    /// </summary>
    [Theory]
    [InlineData("High End", 0.668, 3.806)]
    [InlineData("Regular", 0.704, 1.182)]
    public void Fit_PaperSegments_ProjectsYearsEightToTwelveLikeThePublishedModel(string segment, double alpha, double beta)
    {
        var fit = ShiftedBetaGeometric.Fit([new SurvivalSeries(segment == "Regular" ? Regular : HighEnd)]).Fit!;

        for (var year = 8; year <= 12; year++)
        {
            var published = 1000 * ShiftedBetaGeometric.Survival(alpha, beta, year);
            var tolerance = new[] { (-1, -1), (-1, 1), (1, -1), (1, 1) }
                .Max(c => Math.Abs(1000 * ShiftedBetaGeometric.Survival(alpha + c.Item1 * 0.0005, beta + c.Item2 * 0.0005, year) - published));
            Assert.InRange(1000 * fit.Survival(year), published - tolerance, published + tolerance);
        }
        // And the projection keeps falling below the last observation (491 / 241 at year 7).
        Assert.True(1000 * fit.Survival(8) < (segment == "Regular" ? 241 : 491));
    }

    [Fact]
    public void Fit_PaperSegments_ReproducesObservedSurvivalClosely()
    {
        // The paper's figure shows the fitted curve on the data; with the fitted α, β every year 1–7 lies within
        // 2 percentage points of the observed survival (the largest gap is 1.8 points).
        foreach (var counts in new[] { HighEnd, Regular })
        {
            var fit = ShiftedBetaGeometric.Fit([new SurvivalSeries(counts)]).Fit!;
            for (var t = 1; t < counts.Length; t++)
                Assert.InRange(fit.Survival(t) - counts[t] / 1000.0, -0.02, 0.02);
        }
    }

    [Fact]
    public void ConditionalInterval_PaperSegment_ContainsEstimateAndWidensWithHorizon()
    {
        var fit = ShiftedBetaGeometric.Fit([new SurvivalSeries(Regular)]).Fit!;
        var widths = new List<double>();
        for (var t = 8; t <= 12; t++)
        {
            var (lower, upper) = ShiftedBetaGeometric.ConditionalInterval(fit, 7, t)!.Value;
            var estimate = fit.Survival(t) / fit.Survival(7);
            Assert.InRange(estimate, lower, upper);
            widths.Add(upper - lower);
        }
        Assert.Equal(widths.Order(), widths);
        Assert.True(widths[0] > 0);
    }

    [Theory]
    [InlineData(new[] { 500, 500, 500, 500 }, "nobody left")]
    [InlineData(new[] { 500, 0, 0, 0 }, "everyone left in the first period")]
    [InlineData(new[] { 1, 1, 0, 0 }, "only 1 customer")]
    [InlineData(new[] { 500, 400 }, "only 1 completed period")]
    [InlineData(new[] { 0, 0, 0 }, "no customers")]
    public void Fit_DegenerateCohort_SaysNotEnoughData(int[] counts, string reason)
    {
        var result = ShiftedBetaGeometric.Fit([new SurvivalSeries(counts)]);

        Assert.Null(result.Fit);
        Assert.StartsWith(reason, result.NotEnoughData);
    }

    [Fact]
    public void Fit_ChurnThatNeverSlows_FlagsTheBoundaryAndStillGivesAnInterval()
    {
        // 10% of those left go every period: no heterogeneity, sBG's geometric limit (α, β → ∞, α / (α + β) = 0.1).
        var counts = Enumerable.Range(0, 9).Select(t => (int)Math.Round(10_000 * Math.Pow(0.9, t))).ToArray();

        var fit = ShiftedBetaGeometric.Fit([new SurvivalSeries(counts)]).Fit!;

        Assert.True(fit.AtBoundary);
        Assert.Equal(0.1, fit.Alpha / (fit.Alpha + fit.Beta), 0.002);
        Assert.Equal(Math.Pow(0.9, 12), fit.Survival(12), 0.005);
        var (lower, upper) = ShiftedBetaGeometric.ConditionalInterval(fit, 8, 12)!.Value;
        Assert.InRange(fit.Survival(12) / fit.Survival(8), lower, upper);
        Assert.True(upper - lower is > 0 and < 0.05);
    }

    [Fact]
    public void SurvivalSeries_ComeBack_CountsAsStillGoneButCurrentKeepsIt()
    {
        Assert.Equal([10, 8, 8, 6], new SurvivalSeries([10, 8, 9, 6]).Alive);
        var back = new SurvivalSeries([10, 5, 7]);
        Assert.Equal([10, 5, 5], back.Alive);
        Assert.Equal(7, back.Current);
    }

    /// <summary>
    /// Simulated cohorts with θ ~ Beta(0.7, 1.2) per customer over 8 periods: the mean absolute error of the estimates
    /// over 20 cohorts shrinks as the cohort grows (100 → 1,000 → 10,000), and at 10,000 it is within 15% of the truth.
    /// </summary>
    [Fact]
    public void Fit_SimulatedCohorts_EstimatesConvergeAsSizeGrows()
    {
        const double alpha = 0.7, beta = 1.2;
        var random = new Random(20070101);
        var errors = new List<(double Alpha, double Beta)>();
        foreach (var size in new[] { 100, 1_000, 10_000 })
        {
            double alphaError = 0, betaError = 0;
            const int replications = 20;
            for (var r = 0; r < replications; r++)
            {
                var fit = ShiftedBetaGeometric.Fit([Simulate(random, size, alpha, beta, periods: 8)]).Fit!;
                alphaError += Math.Abs(fit.Alpha - alpha) / replications;
                betaError += Math.Abs(fit.Beta - beta) / replications;
            }
            errors.Add((alphaError, betaError));
        }

        Assert.True(errors[0].Alpha > errors[1].Alpha && errors[1].Alpha > errors[2].Alpha, string.Join(", ", errors));
        Assert.True(errors[0].Beta > errors[1].Beta && errors[1].Beta > errors[2].Beta, string.Join(", ", errors));
        Assert.InRange(errors[2].Alpha, 0, 0.15 * alpha);
        Assert.InRange(errors[2].Beta, 0, 0.15 * beta);
    }

    /// <summary>A cohort of <paramref name="size"/> where each customer leaves each period with its own θ ~ Beta(α, β).</summary>
    internal static SurvivalSeries Simulate(Random random, int size, double alpha, double beta, int periods)
    {
        var alive = new int[periods + 1];
        for (var i = 0; i < size; i++)
        {
            var x = Gamma(random, alpha);
            var theta = x / (x + Gamma(random, beta));
            alive[0]++;
            for (var t = 1; t <= periods; t++)
            {
                if (random.NextDouble() < theta) break;
                alive[t]++;
            }
        }
        return new SurvivalSeries(alive);
    }

    /// <summary>Gamma(shape, 1) by Marsaglia &amp; Tsang (2000), with the U^(1/shape) boost for shape &lt; 1.</summary>
    private static double Gamma(Random random, double shape)
    {
        if (shape < 1) return Gamma(random, shape + 1) * Math.Pow(random.NextDouble(), 1 / shape);
        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                // Box–Muller normal.
                x = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            var u = random.NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v)) return d * v;
        }
    }
}
