using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Analytics.Periods;

namespace CohortDashboard.Analytics.Tests.Cohorts;

public sealed class CohortAnomalyTests
{
    private static readonly PeriodCalendar Months = new(Granularity.Month, LocalCalendar.FindTimeZone("UTC"));
    private static readonly int January = Months.IndexOf(new DateOnly(2026, 1, 1));

    /// <summary>Cohorts of 100 customers each from January; cohort i has retainedAtM1[i] customers back at M1.</summary>
    private static CohortMatrix Matrix(params int[] retainedAtM1)
    {
        var asOf = January + retainedAtM1.Length + 1;
        var accumulator = new CohortAccumulator(January, January + retainedAtM1.Length - 1, asOf, 2);
        var id = 0L;
        for (var i = 0; i < retainedAtM1.Length; i++)
        {
            for (var c = 0; c < 100; c++)
            {
                CohortFact[] facts = c < retainedAtM1[i]
                    ? [new(January + i, 1, 1m, 0, 0, 0, 0, 0), new(January + i + 1, 1, 1m, 0, 0, 0, 0, 0)]
                    : [new(January + i, 1, 1m, 0, 0, 0, 0, 0)];
                accumulator.AddCustomer(++id, CohortMatrixBuilder.AllGroup, facts);
            }
        }
        return CohortMatrixBuilder.Build(accumulator, Months, CohortMeasure.Retention, RetentionMode.Bounded).Groups.Single();
    }

    private static bool[] Flagged(CohortMatrix matrix) => matrix.Rows.Select(r => r.Cells[1]!.Anomaly is not null).ToArray();

    [Fact]
    public void Build_JustOverTwoDeviationsBelowOthers_Flagged()
    {
        // Others 0.40, 0.50, 0.60: mean 0.50, population SD √(0.02/3) ≈ 0.0816; 2 SD ≈ 0.1633, threshold ≈ 0.3367.
        var matrix = Matrix(40, 50, 60, 33);

        Assert.Equal([false, false, false, true], Flagged(matrix));
        var anomaly = matrix.Rows[3].Cells[1]!.Anomaly!;
        Assert.Equal(0.33m, anomaly.Retention);
        Assert.Equal(0.5m, anomaly.OthersMean);
        Assert.Equal(3, anomaly.OtherCohorts);
        // Wilson 95 % upper bound of 33 of 100: (0.33 + 0.019208 + 1.96·√(0.002211 + 0.000096)) / 1.038416 ≈ 0.4269 < 0.50 pooled.
        Assert.Equal(0.4269m, Math.Round(anomaly.UpperBound, 4));
        Assert.Equal(0.5m, anomaly.OthersPooled);
        Assert.Contains("2026-04 M1 retention 33.0% (33 of 100 customers; 95% upper bound 42.7%) is below the 50.0% of 3 other cohorts (2.1 SD below the 50.0% mean)", anomaly.Message);
    }

    [Fact]
    public void Build_JustUnderTwoDeviationsBelowOthers_NotFlagged()
    {
        Assert.Equal([false, false, false, false], Flagged(Matrix(40, 50, 60, 34)));
    }

    [Fact]
    public void Build_OnlyThreeCohortsAtTheOffset_NeverFlagged()
    {
        Assert.Equal([false, false, false], Flagged(Matrix(50, 50, 1)));
    }

    [Fact]
    public void Build_IdenticalOthers_OnlyStrictlyLowerCellFlagged()
    {
        // SD of the others is 0 for the low cohort: any value below their mean is flagged; equal ones never are.
        Assert.Equal([false, false, false, false, true], Flagged(Matrix(50, 50, 50, 50, 10)));
        Assert.Equal([false, false, false, false], Flagged(Matrix(50, 50, 50, 50)));
    }

    /// <summary>Cohorts from January with (size, customers back at M1) each.</summary>
    private static CohortMatrix MatrixOf(int minCohortSize, params (int Size, int Retained)[] cohorts)
    {
        var accumulator = new CohortAccumulator(January, January + cohorts.Length - 1, January + cohorts.Length + 1, 2);
        var id = 0L;
        for (var i = 0; i < cohorts.Length; i++)
            for (var c = 0; c < cohorts[i].Size; c++)
                accumulator.AddCustomer(++id, CohortMatrixBuilder.AllGroup, c < cohorts[i].Retained
                    ? [new(January + i, 1, 1m, 0, 0, 0, 0, 0), new(January + i + 1, 1, 1m, 0, 0, 0, 0, 0)]
                    : [new CohortFact(January + i, 1, 1m, 0, 0, 0, 0, 0)]);
        return CohortMatrixBuilder.Build(accumulator, Months, CohortMeasure.Retention, RetentionMode.Bounded, minCohortSize).Groups.Single();
    }

    [Theory]
    [InlineData(0, 5, 0.4345)]   // z²/n = 0.76832: (0 + 0.38416 + 1.96·0.196) / 1.76832
    [InlineData(2, 5, 0.7693)]   // (0.4 + 0.38416 + 1.96·√(0.048 + 0.038416)) / 1.76832
    [InlineData(0, 20, 0.1611)]  // (0.09604 + 1.96·0.049) / 1.19208
    [InlineData(10, 10, 1.0)]
    public void WilsonUpperBound_HandWorked_MatchesFormula(int successes, int trials, double expected)
    {
        Assert.Equal((decimal)expected, Math.Round(CohortMatrixBuilder.WilsonUpperBound(successes, trials), 4));
    }

    [Fact]
    public void Build_FiveCustomerCohortOneShortOfOthers_NotFlaggedEvenWithoutMinimumSize()
    {
        // Others: 60 of 100 each (SD 0), so the SD rule alone flags 2 of 5 (40 %); its Wilson upper bound 76.9 % is above 60 %.
        var matrix = MatrixOf(1, (100, 60), (100, 60), (100, 60), (5, 2));

        Assert.Equal([false, false, false, false], Flagged(matrix));
    }

    [Fact]
    public void Build_CohortBelowMinimumSize_NotFlagged_AtOrAboveFlagged()
    {
        // 0 of 20 against 50 %: Wilson upper bound 16.1 % < 50 %, so only the size setting decides.
        Assert.Equal([false, false, false, false], Flagged(MatrixOf(30, (100, 50), (100, 50), (100, 50), (20, 0))));
        Assert.Equal([false, false, false, true], Flagged(MatrixOf(20, (100, 50), (100, 50), (100, 50), (20, 0))));
    }

    [Fact]
    public void Build_RunningPeriod_NeitherFlaggedNorCountedAsOther()
    {
        // Four cohorts; the last cohort's M1 is the as-of period (running) → only three completed cells remain.
        var accumulator = new CohortAccumulator(January, January + 3, January + 4, 2);
        var id = 0L;
        foreach (var (cohort, retained) in new[] { (0, 50), (1, 50), (2, 50), (3, 0) })
        {
            for (var c = 0; c < 100; c++)
            {
                CohortFact[] facts = c < retained
                    ? [new(January + cohort, 1, 1m, 0, 0, 0, 0, 0), new(January + cohort + 1, 1, 1m, 0, 0, 0, 0, 0)]
                    : [new(January + cohort, 1, 1m, 0, 0, 0, 0, 0)];
                accumulator.AddCustomer(++id, CohortMatrixBuilder.AllGroup, facts);
            }
        }

        var matrix = CohortMatrixBuilder.Build(accumulator, Months, CohortMeasure.Retention, RetentionMode.Bounded).Groups.Single();

        Assert.True(matrix.Rows[3].Cells[1]!.InProgress);
        Assert.All(matrix.Rows, row => Assert.Null(row.Cells[1]!.Anomaly));
    }
}
