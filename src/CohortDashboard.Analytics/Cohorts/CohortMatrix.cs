namespace CohortDashboard.Analytics.Cohorts;

/// <summary>
/// A computed cohort analysis: one matrix per breakdown group (a single group named <see cref="CohortMatrixBuilder.AllGroup"/>
/// without a breakdown), each with its cohort rows and mean row.
/// </summary>
public sealed record CohortAnalysis(
    Granularity Granularity,
    CohortMeasure Measure,
    RetentionMode RetentionMode,
    int AsOfPeriod,
    IReadOnlyList<string> OffsetLabels,
    IReadOnlyList<CohortMatrix> Groups)
{
    public bool IsEmpty => Groups.All(g => g.Rows.All(r => r.Size == 0));
}

public sealed record CohortMatrix(string Group, IReadOnlyList<CohortRow> Rows, IReadOnlyList<CohortCell?> Mean)
{
    public int Customers => Rows.Sum(r => r.Size);
}

/// <summary>
/// One cohort. <see cref="Cells"/>[k] is null when offset k had not started by the as-of date (never 0 for that).
/// </summary>
public sealed record CohortRow(int Period, string Label, DateOnly Start, DateOnly End, int Size, IReadOnlyList<CohortCell?> Cells);

/// <summary>
/// A cell's value for the chosen measure (null when undefined, e.g. an empty cohort or AOV without orders), the
/// customers behind it, the cohort size, their orders, whether its period is still running, and its anomaly if flagged.
/// <see cref="Retention"/> is the cell's retention whatever the measure, for hover text and anomaly rules.
/// </summary>
public sealed record CohortCell(
    decimal? Value,
    int Customers,
    int Size,
    int Orders,
    decimal? Retention,
    bool InProgress,
    CohortAnomaly? Anomaly = null);

/// <summary>
/// A retention cell flagged by <see cref="CohortMatrixBuilder"/>'s rule: at least two standard deviations below the other
/// cohorts' mean, and the upper end of its 95 % Wilson interval (<paramref name="UpperBound"/>) below their pooled
/// retention (<paramref name="OthersPooled"/>).
/// </summary>
public sealed record CohortAnomaly(decimal Retention, decimal OthersMean, decimal OthersStandardDeviation, int OtherCohorts, string Message,
    decimal UpperBound, decimal OthersPooled);
