using CohortDashboard.Analytics.Cohorts;

namespace CohortDashboard.Analytics.Projections;

/// <summary>LTV after <see cref="Periods"/> periods: observed when the cohort has completed them, else projected; or why it is missing.</summary>
public sealed record LtvAtHorizon(int Periods, ProjectedValue? Value, bool Observed, string? Missing);

/// <summary>One customer cohort's projections: retention (sBG on unbounded retention) and cumulative net revenue (chain ladder).</summary>
/// <param name="Revenue">Projected cumulative net revenue of the whole cohort (divide by <see cref="Size"/> for LTV).</param>
public sealed record CohortProjectionRow(
    int Period, string Label, DateOnly Start, int Size, SurvivalProjection Retention, ChainLadderProjection Revenue, IReadOnlyList<LtvAtHorizon> Ltv)
{
    /// <summary>Projected LTV (net revenue per cohort customer) at <paramref name="offset"/>, or null when not projected there.</summary>
    public ProjectedValue? LtvAt(int offset) => Size == 0 || Revenue.At(offset) is not { } v
        ? null
        : new ProjectedValue(v.Value / Size, v.Lower / Size, v.Upper / Size);
}

public sealed record CohortGroupProjection(string Group, IReadOnlyList<CohortProjectionRow> Rows, IReadOnlyList<DevelopmentFactor> Factors);

/// <summary>
/// Projections of customer cohort matrices: from an unbounded retention matrix (survival counts = customers active on
/// or after each offset) and an LTV matrix of the same cohorts (cumulative net revenue = LTV × size). Only completed
/// periods are observations: a running period's numbers are still growing.
/// </summary>
public static class CohortProjections
{
    /// <summary>The LTV horizons of the Projected LTV table, in periods since acquisition.</summary>
    public static readonly IReadOnlyList<int> LtvHorizons = [12, 24, 36];

    /// <param name="lastOffset">The last offset projected (LTV at 36 periods needs 35).</param>
    public static CohortGroupProjection Build(CohortMatrix unboundedRetention, CohortMatrix ltv, int lastOffset)
    {
        var survival = unboundedRetention.Rows
            .Select(r => new SurvivalCohort(r.Label, new SurvivalSeries(Completed(r).Select(c => c.Customers).DefaultIfEmpty(r.Size))))
            .ToList();
        var retention = SurvivalProjector.Project(survival, lastOffset);

        var development = ltv.Rows
            // An empty cohort (a period before any data) would add zeros to every factor's volumes: it has no row.
            .Select(r => new DevelopmentRow(r.Label, r.Size == 0 ? [] : Completed(r).Select(c => (double)(c.Value ?? 0m) * r.Size).ToList()))
            .ToList();
        var revenue = ChainLadder.Project(development, lastOffset);

        var rows = ltv.Rows.Select((r, i) =>
        {
            var completed = development[i].Cumulative.Count;
            var horizons = LtvHorizons.Select(h =>
            {
                var offset = h - 1;
                if (r.Size == 0) return new LtvAtHorizon(h, null, false, "no customers");
                if (offset < completed) return new LtvAtHorizon(h, new ProjectedValue(development[i].Cumulative[offset] / r.Size, null, null), true, null);
                return revenue.Rows[i].At(offset) is { } v
                    ? new LtvAtHorizon(h, new ProjectedValue(v.Value / r.Size, v.Lower / r.Size, v.Upper / r.Size), false, null)
                    : new LtvAtHorizon(h, null, false, revenue.Rows[i].StopReason ?? "not projected");
            }).ToList();
            return new CohortProjectionRow(r.Period, r.Label, r.Start, r.Size, retention[i], revenue.Rows[i], horizons);
        }).ToList();
        return new CohortGroupProjection(ltv.Group, rows, revenue.Factors);
    }

    /// <summary>The row's cells of completed periods, from offset 0 up to the first running or unstarted one.</summary>
    private static IEnumerable<CohortCell> Completed(CohortRow row) =>
        row.Cells.TakeWhile(c => c is { InProgress: false }).Select(c => c!);
}
