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
        Assert.Contains("2026-04 M1 retention 33.0% is 2.1 SD below the 50.0% mean of 3 other cohorts", anomaly.Message);
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
