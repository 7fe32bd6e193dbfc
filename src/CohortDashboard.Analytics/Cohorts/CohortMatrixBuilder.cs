using System.Globalization;

namespace CohortDashboard.Analytics.Cohorts;

/// <summary>Turns accumulated tallies into matrices of one measure, with mean rows and anomaly flags (SPEC §3).</summary>
public static class CohortMatrixBuilder
{
    public const string AllGroup = "All";

    /// <summary>Cohorts needed at an offset before any of them can be called anomalous.</summary>
    public const int AnomalyMinimumCohorts = 4;

    /// <summary>How far below the others' mean, in their standard deviations, a retention cell is flagged.</summary>
    public const decimal AnomalyDeviations = 2m;

    /// <summary>Customers a cohort needs before it can be called anomalous, when the org has not set its own.</summary>
    public const int DefaultAnomalyMinCohortSize = 30;

    /// <summary>z of the two-sided 95 % Wilson interval used by the anomaly rule.</summary>
    public const double AnomalyZ = 1.96;

    /// <summary>
    /// Builds one matrix per group. Every period from the accumulator's first to last cohort gets a row (size 0 when
    /// nobody was acquired then), so gaps stay visible. Groups are ordered by name, with <see cref="AllGroup"/> first.
    /// </summary>
    /// <param name="anomalyMinCohortSize">Cohorts with fewer customers are never flagged (see <see cref="FlagAnomalies"/>).</param>
    public static CohortAnalysis Build(CohortAccumulator accumulator, PeriodCalendar calendar, CohortMeasure measure, RetentionMode mode,
        int anomalyMinCohortSize = DefaultAnomalyMinCohortSize)
    {
        var offsetLabels = Enumerable.Range(0, accumulator.Offsets).Select(calendar.OffsetLabel).ToList();
        var groupNames = accumulator.Groups.Count == 0 ? [AllGroup] : accumulator.Groups.Keys.OrderBy(k => k == AllGroup ? 0 : 1).ThenBy(k => k, StringComparer.OrdinalIgnoreCase).ToList();
        var groups = new List<CohortMatrix>(groupNames.Count);
        foreach (var name in groupNames)
        {
            var tallies = accumulator.Groups.TryGetValue(name, out var found) ? found : [];
            var rows = new List<CohortRow>();
            for (var cohort = accumulator.FirstCohort; cohort <= accumulator.LastCohort; cohort++)
            {
                var tally = tallies.TryGetValue(cohort, out var t) ? t : new CohortTally(accumulator.Offsets);
                var cells = new CohortCell?[accumulator.Offsets];
                decimal cumulativeNet = 0m, cumulativeGross = 0m, cumulativeCm1 = 0m, cumulativeCm2 = 0m;
                for (var k = 0; k < accumulator.Offsets; k++)
                {
                    var period = cohort + k;
                    if (period > accumulator.AsOfPeriod) break;
                    var cell = tally.Cells[k];
                    cumulativeNet += cell.Net;
                    cumulativeGross += cell.Gross;
                    cumulativeCm1 += cell.Net - cell.Cogs;
                    cumulativeCm2 += cell.Net - cell.Cogs - cell.Shipping - cell.Fees;
                    var customers = mode == RetentionMode.Unbounded ? tally.ActiveOnOrAfter(k) : cell.Customers;
                    decimal? retention = tally.Size == 0 ? null : (decimal)customers / tally.Size;
                    decimal? value = measure switch
                    {
                        CohortMeasure.Retention => retention,
                        CohortMeasure.Customers => customers,
                        CohortMeasure.Orders => cell.Orders,
                        CohortMeasure.GrossRevenue => cell.Gross,
                        CohortMeasure.NetRevenue => cell.Net,
                        CohortMeasure.Ltv => PerCustomer(cumulativeNet, tally.Size),
                        CohortMeasure.Cm1 => PerCustomer(cumulativeCm1, tally.Size),
                        CohortMeasure.Cm2 => PerCustomer(cumulativeCm2, tally.Size),
                        CohortMeasure.GrossLtv => PerCustomer(cumulativeGross, tally.Size),
                        CohortMeasure.Aov => cell.Orders == 0 ? null : cell.Net / cell.Orders,
                        _ => tally.Cells[0].Net == 0m ? null : cell.Net / tally.Cells[0].Net,
                    };
                    if (tally.Size == 0) value = null;
                    cells[k] = new CohortCell(value, customers, tally.Size, cell.Orders, retention, period == accumulator.AsOfPeriod);
                }
                rows.Add(new CohortRow(cohort, calendar.Label(cohort), calendar.StartDate(cohort), calendar.EndDate(cohort), tally.Size, cells));
            }
            FlagAnomalies(rows, offsetLabels, anomalyMinCohortSize);
            groups.Add(new CohortMatrix(name, rows, MeanRow(rows, accumulator.Offsets)));
        }
        return new CohortAnalysis(calendar.Granularity, measure, mode, accumulator.AsOfPeriod, offsetLabels, groups);
    }

    private static decimal? PerCustomer(decimal total, int size) => size == 0 ? null : total / size;

    /// <summary>
    /// Size-weighted mean over cohorts that have completed offset k (running periods would drag it down). Null where no
    /// cohort has completed k.
    /// </summary>
    private static IReadOnlyList<CohortCell?> MeanRow(List<CohortRow> rows, int offsets)
    {
        var mean = new CohortCell?[offsets];
        for (var k = 0; k < offsets; k++)
        {
            decimal weighted = 0m;
            int size = 0, customers = 0, orders = 0;
            foreach (var row in rows)
            {
                if (row.Cells[k] is not { InProgress: false, Value: { } value } cell || row.Size == 0) continue;
                weighted += value * row.Size;
                size += row.Size;
                customers += cell.Customers;
                orders += cell.Orders;
            }
            if (size > 0)
                mean[k] = new CohortCell(weighted / size, customers, size, orders, (decimal)customers / size, false);
        }
        return mean;
    }

    /// <summary>
    /// The upper end of the two-sided 95 % Wilson score interval of <paramref name="successes"/> out of
    /// <paramref name="trials"/>: the highest retention the cohort's true rate plausibly has. Unlike p ± z·SE it stays
    /// sensible for small counts and rates near 0 or 1 (0 of 5 → 43.4 %, not 0 %).
    /// </summary>
    public static decimal WilsonUpperBound(int successes, int trials, double z = AnomalyZ)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trials);
        double n = trials, p = (double)successes / trials, z2 = z * z;
        var upper = (p + z2 / (2 * n) + z * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n))) / (1 + z2 / n);
        return (decimal)Math.Min(1.0, upper);
    }

    /// <summary>
    /// A retention cell is an anomaly when all of these hold at its offset:
    /// <list type="number">
    /// <item>its period is over (running periods are neither flagged nor counted among the others), and at least
    /// <see cref="AnomalyMinimumCohorts"/> cohorts (this one included) have completed the offset;</item>
    /// <item>the cohort has at least <paramref name="minCohortSize"/> customers (an org setting);</item>
    /// <item>SPEC §3: its retention is at least <see cref="AnomalyDeviations"/> standard deviations (population) below
    /// the mean of the other cohorts, and strictly below it;</item>
    /// <item>small-count check: even the upper end of its 95 % Wilson interval is below the other cohorts' pooled
    /// retention (their retained customers / their customers) — one churned customer in a cohort of five is not enough.</item>
    /// </list>
    /// </summary>
    private static void FlagAnomalies(List<CohortRow> rows, IReadOnlyList<string> offsetLabels, int minCohortSize)
    {
        for (var k = 1; k < offsetLabels.Count; k++)
        {
            var candidates = new List<(int Row, decimal Retention, int Customers, int Size)>();
            for (var i = 0; i < rows.Count; i++)
                if (rows[i].Size > 0 && rows[i].Cells[k] is { InProgress: false, Retention: { } retention } cell)
                    candidates.Add((i, retention, cell.Customers, rows[i].Size));
            if (candidates.Count < AnomalyMinimumCohorts) continue;

            foreach (var (rowIndex, retention, customers, size) in candidates)
            {
                if (size < minCohortSize) continue;
                var others = candidates.Where(c => c.Row != rowIndex).ToList();
                var mean = others.Average(c => c.Retention);
                var deviation = (decimal)Math.Sqrt((double)others.Sum(c => (c.Retention - mean) * (c.Retention - mean)) / others.Count);
                if (retention >= mean || mean - retention < AnomalyDeviations * deviation) continue;
                var pooled = (decimal)others.Sum(c => c.Customers) / others.Sum(c => c.Size);
                var upper = WilsonUpperBound(customers, size);
                if (upper >= pooled) continue;

                var row = rows[rowIndex];
                var spread = deviation == 0m ? "all others equal" : $"{(mean - retention) / deviation:0.0} SD below the {mean * 100:0.0}% mean";
                var message = string.Create(CultureInfo.InvariantCulture,
                    $"{row.Label} {offsetLabels[k]} retention {retention * 100:0.0}% ({customers} of {size} customers; 95% upper bound {upper * 100:0.0}%) is below the {pooled * 100:0.0}% of {others.Count} other cohorts ({spread})");
                var cells = row.Cells.ToArray();
                cells[k] = cells[k]! with { Anomaly = new CohortAnomaly(retention, mean, deviation, others.Count, message, upper, pooled) };
                rows[rowIndex] = row with { Cells = cells };
            }
        }
    }
}
