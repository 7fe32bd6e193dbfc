namespace CohortDashboard.Analytics.AccountCohorts;

/// <summary>One month of a vintage curve.</summary>
/// <param name="Offset">Months since the start month (0 = the start month).</param>
/// <param name="Month">First day of the month.</param>
/// <param name="Arr">The cohort's ARR at the month end.</param>
/// <param name="RetentionPct">Arr / starting ARR × 100, 2 decimals (can exceed 100); null without starting ARR.</param>
/// <param name="AccountsRemaining">Accounts paying at the start month's end that are still paying at this month's end.</param>
/// <param name="CumulativeNewArr">ARR of members first paying after the start month, summed over months 1..Offset.</param>
/// <param name="CumulativeExpansionArr">Expansion (including come-backs) summed over months 1..Offset.</param>
/// <param name="CumulativeContractionArr">Contraction summed over months 1..Offset (always 0 under revenue churn).</param>
/// <param name="CumulativeChurnArr">Churn summed over months 1..Offset.</param>
public sealed record VintagePoint(
    int Offset,
    DateOnly Month,
    decimal Arr,
    decimal? RetentionPct,
    int AccountsRemaining,
    decimal CumulativeNewArr,
    decimal CumulativeExpansionArr,
    decimal CumulativeContractionArr,
    decimal CumulativeChurnArr);

/// <summary>A cohort's curve: <c>Points[k].Arr = StartingArr + cumulative new + expansion − contraction − churn</c> at k.</summary>
/// <param name="StartMonth">First day of month 0.</param>
/// <param name="StartingArr">The cohort's ARR at the end of month 0.</param>
/// <param name="StartingAccounts">Members paying at the end of month 0.</param>
/// <param name="RetentionNote">
/// Why <see cref="VintagePoint.RetentionPct"/> is left out although the cohort has starting ARR: the base is too small
/// next to the ARR the cohort grew into (see <see cref="VintageCurves.MinBaseShareOfPeak"/>); null when it is plotted.
/// </param>
public sealed record VintageCurve(
    long CohortId, string Name, DateOnly StartMonth, decimal StartingArr, int StartingAccounts, IReadOnlyList<VintagePoint> Points,
    string? RetentionNote = null);

/// <summary>
/// Vintage curves (SPEC §4): per cohort, month by month from its start month for up to <see cref="DefaultMonths"/>
/// months. Month 0 is the base: its month-end ARR and paying accounts. Movements in later months follow
/// <see cref="CohortSnapshotCalculator"/> (same churn definition, come-backs as expansion), and members that first pay
/// after month 0 raise the curve as new ARR — which is why retention can exceed 100 — but never count as remaining
/// accounts, which only follow the base. For a vintage, the caller picks the start month (e.g. the quarter's last
/// month, once every member has been created).
/// </summary>
public static class VintageCurves
{
    /// <summary>Months after the start month covered by default (points 0..36).</summary>
    public const int DefaultMonths = 36;

    /// <summary>
    /// ARR retention is only meaningful against a base that is a real share of the cohort: when the starting ARR is below
    /// this fraction of the curve's peak ARR (most of the cohort started paying after month 0, as a custom cohort of
    /// new logos does), retention would read in thousands of percent, so the curve carries a note instead.
    /// </summary>
    public const decimal MinBaseShareOfPeak = 0.25m;

    /// <summary>
    /// The curve of <paramref name="cohort"/> from <paramref name="startMonth"/> for offsets 0..<paramref name="months"/>,
    /// stopping at <paramref name="asOfMonth"/> (the latest month with data; no points when it is before the start).
    /// </summary>
    public static VintageCurve Build(
        CohortMembers cohort, DateOnly startMonth, DateOnly asOfMonth, ChurnBasis basis, int months = DefaultMonths)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(months);
        startMonth = ArrTimeline.MonthOf(startMonth);
        asOfMonth = ArrTimeline.MonthOf(asOfMonth);
        var lastOffset = Math.Min(months, ArrTimeline.MonthsBetween(startMonth, asOfMonth));
        if (lastOffset < 0) return new VintageCurve(cohort.CohortId, cohort.Name, startMonth, 0m, 0, []);

        var series = CohortSnapshotCalculator.EffectiveSeries(cohort, asOfMonth, basis).Select(x => x.Arr).ToList();
        var startingArr = series.Sum(s => s.At(startMonth));
        var baseAccounts = series.Where(s => s.At(startMonth) > 0).ToList();

        var points = new List<VintagePoint>(lastOffset + 1);
        decimal newArr = 0m, expansion = 0m, contraction = 0m, churn = 0m;
        for (var offset = 0; offset <= lastOffset; offset++)
        {
            var month = startMonth.AddMonths(offset);
            if (offset > 0)
            {
                var m = CohortSnapshotCalculator.Movements(series, month, basis);
                (newArr, expansion, contraction, churn) = (newArr + m.New, expansion + m.Expansion, contraction + m.Contraction, churn + m.Churn);
            }
            var arr = series.Sum(s => s.At(month));
            decimal? retention = startingArr > 0 ? Math.Round(arr / startingArr * 100m, 2, MidpointRounding.AwayFromZero) : null;
            points.Add(new VintagePoint(offset, month, arr, retention, baseAccounts.Count(s => s.At(month) > 0), newArr, expansion, contraction, churn));
        }
        var peak = points.Max(p => p.Arr);
        if (startingArr > 0 && startingArr < MinBaseShareOfPeak * peak)
        {
            var note = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"ARR retention is not plotted: the cohort starts with {startingArr:N0} ARR, under {MinBaseShareOfPeak:P0} of its peak {peak:N0}, because most of its members started paying later; retention against that base would read {Math.Round(peak / startingArr * 100m, 0):N0}%. Its ARR and accounts remaining are shown as they are.");
            return new VintageCurve(cohort.CohortId, cohort.Name, startMonth, startingArr, baseAccounts.Count,
                points.Select(p => p with { RetentionPct = null }).ToList(), note);
        }
        return new VintageCurve(cohort.CohortId, cohort.Name, startMonth, startingArr, baseAccounts.Count, points);
    }
}
