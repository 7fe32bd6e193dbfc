using System.Globalization;

namespace CohortDashboard.Analytics.Cohorts;

/// <summary>A plain-language observation about cohorts, for agents: a machine-readable kind and a sentence.</summary>
public sealed record CohortNote(string Kind, string Text);

/// <summary>Window KPIs and narrative notes over the rows of a cohort matrix (CashRunway's summary).</summary>
public static class CohortInsights
{
    /// <summary>Cohorts compared by the M1 trend note: the latest this many with a completed M1 against the ones before.</summary>
    public const int TrendCohorts = 3;

    /// <summary>A change in mean M1 retention smaller than this (a fraction) is called stable.</summary>
    public const decimal TrendThreshold = 0.01m;

    /// <summary>
    /// Size-weighted mean of <paramref name="value"/> at <paramref name="offset"/> over the rows whose cell there is
    /// complete (started, not in progress) with a value; null when none is.
    /// </summary>
    public static decimal? CompletedMean(IEnumerable<CohortRow> rows, int offset, Func<CohortCell, decimal?> value)
    {
        decimal weighted = 0m;
        var size = 0;
        foreach (var row in rows)
        {
            if (row.Size == 0 || Completed(row, offset) is not { } cell || value(cell) is not { } v) continue;
            weighted += v * row.Size;
            size += row.Size;
        }
        return size == 0 ? null : weighted / size;
    }

    /// <summary>The cell at <paramref name="offset"/> when it has started and its period is over.</summary>
    public static CohortCell? Completed(CohortRow row, int offset) =>
        offset < row.Cells.Count && row.Cells[offset] is { InProgress: false } cell ? cell : null;

    /// <summary>Up to <paramref name="count"/> non-empty cohorts with a completed retention at <paramref name="offset"/>, best first (ties: later cohort first).</summary>
    public static IReadOnlyList<CohortRow> TopByRetention(IEnumerable<CohortRow> rows, int offset, int count) =>
        rows.Where(r => r.Size > 0 && Completed(r, offset)?.Retention is not null)
            .OrderByDescending(r => Completed(r, offset)!.Retention)
            .ThenByDescending(r => r.Period)
            .Take(count)
            .ToList();

    /// <summary>
    /// Notes on the window's cohorts: the best and the worst by M1 retention (completed M1 only), and the M1 trend of
    /// the latest <see cref="TrendCohorts"/> completed cohorts of <paramref name="allRows"/> against the ones before.
    /// </summary>
    public static IReadOnlyList<CohortNote> Notes(IReadOnlyList<CohortRow> windowRows, IReadOnlyList<CohortRow> allRows)
    {
        var notes = new List<CohortNote>();
        var ranked = TopByRetention(windowRows, 1, int.MaxValue);
        if (ranked.Count == 0)
        {
            notes.Add(new CohortNote("insufficient_data", "No cohort in the window has completed its M1 yet, so there is no retention to compare."));
            return notes;
        }

        notes.Add(new CohortNote("best_cohort", Sentence(ranked[0], "the best")));
        if (ranked.Count > 1) notes.Add(new CohortNote("worst_cohort", Sentence(ranked[^1], "the weakest")));

        var completed = allRows.Where(r => r.Size > 0 && Completed(r, 1)?.Retention is not null).OrderBy(r => r.Period).ToList();
        if (completed.Count >= TrendCohorts * 2)
        {
            var recent = CompletedMean(completed.TakeLast(TrendCohorts), 1, c => c.Retention)!.Value;
            var before = CompletedMean(completed.SkipLast(TrendCohorts).TakeLast(TrendCohorts), 1, c => c.Retention)!.Value;
            var direction = recent - before >= TrendThreshold ? "improving" : before - recent >= TrendThreshold ? "declining" : "stable";
            notes.Add(new CohortNote("m1_trend", string.Create(CultureInfo.InvariantCulture,
                $"M1 retention is {direction}: {Percent(recent)} for the latest {TrendCohorts} cohorts with a completed M1, against {Percent(before)} for the {TrendCohorts} before them.")));
        }
        else
        {
            notes.Add(new CohortNote("m1_trend", string.Create(CultureInfo.InvariantCulture,
                $"Too few cohorts with a completed M1 ({completed.Count}; {TrendCohorts * 2} needed) to call an M1 trend.")));
        }
        return notes;
    }

    /// <summary>A fraction as a percentage with one decimal, e.g. 0.25 → "25.0%".</summary>
    public static string Percent(decimal fraction) =>
        (fraction * 100m).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string Sentence(CohortRow row, string rank) => string.Create(CultureInfo.InvariantCulture,
        $"{row.Label} is {rank} recent cohort: {Percent(row.Cells[1]!.Retention!.Value)} of its {row.Size} customers ordered again in M1.");
}
