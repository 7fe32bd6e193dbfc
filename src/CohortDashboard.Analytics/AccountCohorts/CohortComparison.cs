namespace CohortDashboard.Analytics.AccountCohorts;

/// <summary>How a cohort compares with the others.</summary>
public enum ComparisonLabel { Best, Worst, Normal, TooYoung }

/// <summary>A cohort's NRR for the compared period (e.g. its latest snapshot); null when it had no starting ARR.</summary>
public sealed record CohortNrr(long CohortId, string Name, decimal? Nrr);

/// <summary>A cohort's monthly NRRs by month (first day), and the month its life starts (null: a standing cohort).</summary>
public sealed record CohortNrrSeries(long CohortId, string Name, DateOnly? StartMonth, IReadOnlyDictionary<DateOnly, decimal?> MonthlyNrr);

/// <param name="Rank">Competition rank by NRR, highest first (ties share a rank: 1, 1, 3); null without NRR.</param>
public sealed record RankedCohort(long CohortId, string Name, decimal? Nrr, int? Rank, ComparisonLabel Label);

/// <summary>
/// Cohorts ranked by NRR (SPEC §4, "Comparison"). Every cohort at the highest NRR is <c>best</c> and every cohort at the
/// lowest is <c>worst</c> — ties share the label rather than being broken by something arbitrary like the name — and
/// the rest are <c>normal</c>. With fewer than two distinct NRR values there is nothing to tell apart, so all are
/// normal. Cohorts without NRR are not ranked: they come last, normal.
/// </summary>
public static class CohortComparison
{
    /// <summary>Ranked cohorts first (NRR descending, then name, then id, for a stable order), then unranked by name.</summary>
    public static IReadOnlyList<RankedCohort> Rank(IEnumerable<CohortNrr> cohorts)
    {
        var all = cohorts.ToList();
        var ranked = all.Where(c => c.Nrr is not null)
            .OrderByDescending(c => c.Nrr).ThenBy(c => c.Name, StringComparer.Ordinal).ThenBy(c => c.CohortId).ToList();
        var labelled = ranked.Select(c => c.Nrr!.Value).Distinct().Count() >= 2;
        var (best, worst) = ranked.Count > 0 ? (ranked[0].Nrr, ranked[^1].Nrr) : (null, null);

        var result = new List<RankedCohort>(all.Count);
        for (var i = 0; i < ranked.Count; i++)
        {
            var c = ranked[i];
            // Competition ranking: a cohort tied with the one before takes its rank.
            var rank = i > 0 && ranked[i - 1].Nrr == c.Nrr ? result[i - 1].Rank : i + 1;
            var label = !labelled ? ComparisonLabel.Normal
                : c.Nrr == best ? ComparisonLabel.Best
                : c.Nrr == worst ? ComparisonLabel.Worst
                : ComparisonLabel.Normal;
            result.Add(new RankedCohort(c.CohortId, c.Name, c.Nrr, rank, label));
        }
        result.AddRange(all.Where(c => c.Nrr is null).OrderBy(c => c.Name, StringComparer.Ordinal).ThenBy(c => c.CohortId)
            .Select(c => new RankedCohort(c.CohortId, c.Name, null, null, ComparisonLabel.Normal)));
        return result;
    }

    /// <summary>
    /// Cohorts ranked at equal age: each by its NRR over the <paramref name="ageMonths"/> months after its start month
    /// (chain-linked, <see cref="ChainedNrr"/>), so a two-quarter-old vintage is never held against a two-year-old one
    /// on different spans. A cohort whose start + age is after <paramref name="lastCompleteMonth"/> is
    /// <see cref="ComparisonLabel.TooYoung"/> (unranked, after the ranked ones, by name). A cohort without a start
    /// (a standing cohort such as a segment, whose members come and go) is measured over the last
    /// <paramref name="ageMonths"/> complete months — the same span for all of them.
    /// </summary>
    public static IReadOnlyList<RankedCohort> RankAtAge(IEnumerable<CohortNrrSeries> cohorts, int ageMonths, DateOnly lastCompleteMonth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ageMonths, 1);
        var all = cohorts.ToList();
        var measured = new List<CohortNrr>();
        var young = new List<CohortNrrSeries>();
        foreach (var cohort in all)
        {
            var start = cohort.StartMonth ?? lastCompleteMonth.AddMonths(-ageMonths);
            if (start.AddMonths(ageMonths) > lastCompleteMonth)
            {
                young.Add(cohort);
                continue;
            }
            var span = Enumerable.Range(1, ageMonths).Select(k => cohort.MonthlyNrr.GetValueOrDefault(start.AddMonths(k)));
            measured.Add(new CohortNrr(cohort.CohortId, cohort.Name, ChainedNrr(span)));
        }
        return [.. Rank(measured), .. young.OrderBy(c => c.Name, StringComparer.Ordinal).ThenBy(c => c.CohortId)
            .Select(c => new RankedCohort(c.CohortId, c.Name, null, null, ComparisonLabel.TooYoung))];
    }

    /// <summary>
    /// NRR over several months, chain-linked from monthly NRRs: Π(NRR/100) × 100, 2 decimals. Each month's NRR measures
    /// the ARR kept from the month before, so the product is what a cohort kept over the span (new ARR excluded).
    /// Months without NRR (no starting ARR) are skipped; null when none has one.
    /// </summary>
    public static decimal? ChainedNrr(IEnumerable<decimal?> monthlyNrr)
    {
        decimal? product = null;
        foreach (var nrr in monthlyNrr)
            if (nrr is { } value) product = (product ?? 1m) * value / 100m;
        return product is { } p ? Math.Round(p * 100m, 2, MidpointRounding.AwayFromZero) : null;
    }
}
