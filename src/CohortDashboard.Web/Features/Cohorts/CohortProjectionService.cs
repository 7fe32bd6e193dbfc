using System.Diagnostics;
using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Analytics.Projections;

namespace CohortDashboard.Web.Features.Cohorts;

/// <param name="Elapsed">The whole request, matrix included.</param>
/// <param name="FitElapsed">The projection maths alone (every fit and the chain ladder), on top of the matrix.</param>
/// <param name="FirstShownCohort">The first cohort period the query itself shows (older ones are history for the models).</param>
public sealed record CohortProjectionResult(CohortFrame Frame, IReadOnlyList<CohortGroupProjection> Groups, int FirstShownCohort, TimeSpan Elapsed, TimeSpan FitElapsed)
{
    public CohortGroupProjection? Group(string name) => Groups.FirstOrDefault(g => g.Group == name);

    /// <summary>The rows of the cohorts the query shows that have customers, oldest first.</summary>
    public IReadOnlyList<CohortProjectionRow> ShownRows(CohortGroupProjection group) =>
        group.Rows.Where(r => r.Period >= FirstShownCohort && r.Size > 0).ToList();
}

/// <summary>
/// Where each customer cohort is headed (docs/projections.md): sBG survival on unbounded retention and chain-ladder
/// LTV, per breakdown group. The models need the older cohorts' history, so the projection reads its own frame: the
/// query's filters and last cohort, but <see cref="HistoryCohorts"/> cohorts back and all <see cref="CohortQuery.MaxOffsets"/>
/// offsets, whatever the page shows.
/// </summary>
public sealed class CohortProjectionService(CohortService cohorts)
{
    /// <summary>The last offset projected: LTV after 36 periods is cumulative through offset 35.</summary>
    public const int LastOffset = CohortQuery.MaxOffsets - 1;

    /// <summary>How many cohorts of history the models learn from, per granularity (about three years, 400 days at most).</summary>
    public static int HistoryCohorts(Granularity granularity) => granularity switch
    {
        Granularity.Day => CohortQuery.MaxCohorts,
        Granularity.Week => 160,
        Granularity.Month => 40,
        Granularity.Quarter => 14,
        _ => 5,
    };

    /// <summary>Projects every cohort of <paramref name="query"/>'s history (its measure and retention mode are ignored).</summary>
    public async Task<CohortProjectionResult> ProjectAsync(CohortQuery query, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        var history = query with
        {
            Offsets = CohortQuery.MaxOffsets,
            Cohorts = HistoryCohorts(query.Granularity),
            From = null,
            RetentionMode = RetentionMode.Unbounded,
        };
        var (analyses, frame, _, _) = await cohorts.AnalyzeAsync(history, [CohortMeasure.Retention, CohortMeasure.Ltv], ct);
        var fitting = Stopwatch.StartNew();
        var groups = Project(analyses[0], analyses[1]);
        var firstShown = query.From is { } from ? frame.Calendar.IndexOf(from) : frame.LastCohort - (query.Cohorts - 1);
        return new CohortProjectionResult(frame, groups, firstShown, stopwatch.Elapsed, fitting.Elapsed);
    }

    /// <summary>The projection maths over computed matrices (unbounded retention, LTV), one group at a time.</summary>
    public static IReadOnlyList<CohortGroupProjection> Project(CohortAnalysis unboundedRetention, CohortAnalysis ltv) =>
        unboundedRetention.Groups.Zip(ltv.Groups, (r, l) => CohortProjections.Build(r, l, LastOffset)).ToList();
}
