using System.Text;
using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Analytics.Projections;
using CohortDashboard.Data.Csv;
using CohortDashboard.Web.Components.Shared;

namespace CohortDashboard.Web.Features.Cohorts;

/// <summary>
/// CSV of the cohort matrix and of one cell's customers, written by <see cref="CsvWriter"/> (RFC 4180, invariant numbers,
/// formula-leading text neutralised). Values are numbers rounded to the measure's precision (<see cref="Round"/>: cents for
/// money, 4 decimals for rates, as fractions); a not-yet-started cell is empty and an undefined one too.
/// </summary>
public static class CohortCsv
{
    /// <summary>Header <c>[group,]cohort,cohort_start,size,{offset labels}</c>, one row per cohort, then each group's mean row.</summary>
    public static string Matrix(CohortAnalysis analysis)
    {
        var csv = new StringBuilder();
        var lead = GroupColumn.For(analysis.Groups.Select(g => g.Group));
        CsvWriter.WriteRow(csv, [.. lead.Header, "cohort", "cohort_start", "size", .. analysis.OffsetLabels]);
        foreach (var matrix in analysis.Groups)
        {
            foreach (var row in matrix.Rows)
            {
                CsvWriter.WriteRow(csv, [.. lead.Cell(matrix.Group), row.Label, row.Start, row.Size, .. row.Cells.Select(c => (object?)Round(c?.Value, analysis.Measure))]);
            }
            CsvWriter.WriteRow(csv, [.. lead.Cell(matrix.Group), "Mean", null, matrix.Customers, .. matrix.Mean.Select(c => (object?)Round(c?.Value, analysis.Measure))]);
        }
        return csv.ToString();
    }

    /// <summary>
    /// The Projected LTV table: <c>[group,]cohort,cohort_start,size</c>, then per horizon (12, 24, 36 periods) its LTV,
    /// 95% lower and upper bound (empty when observed or missing) and its status (observed | projected | the reason it is missing).
    /// </summary>
    public static string ProjectedLtv(CohortProjectionResult projection)
    {
        var csv = new StringBuilder();
        var lead = GroupColumn.For(projection.Groups.Select(g => g.Group));
        CsvWriter.WriteRow(csv, [.. lead.Header, "cohort", "cohort_start", "size",
            .. CohortProjections.LtvHorizons.SelectMany(h => new object?[] { $"ltv_{h}", $"ltv_{h}_lower", $"ltv_{h}_upper", $"ltv_{h}_status" })]);
        foreach (var group in projection.Groups)
        {
            foreach (var row in projection.ShownRows(group))
            {
                CsvWriter.WriteRow(csv, [.. lead.Cell(group.Group), row.Label, row.Start, row.Size,
                    .. row.Ltv.SelectMany(l => new object?[]
                    {
                        Cents(l.Value?.Value), Cents(l.Value?.Lower), Cents(l.Value?.Upper), l.Observed ? "observed" : l.Value is null ? l.Missing : "projected",
                    })]);
            }
        }
        return csv.ToString();
    }

    /// <summary>A cell value at its measure's precision: money to cents, rates (fractions) to 4 decimals, counts to 2 (means).</summary>
    public static decimal? Round(decimal? value, CohortMeasure measure) =>
        measure.IsMoney() ? Formats.RoundMoney(value)
        : measure.IsPercentage() ? Formats.RoundRate(value)
        : value is { } v ? Math.Round(v, 2, MidpointRounding.AwayFromZero) : null;

    private static decimal? Cents(double? value) =>
        value is { } v && double.IsFinite(v) && Math.Abs(v) < 1e15 ? Formats.RoundMoney((decimal)v) : null;

    public static string Customers(IEnumerable<CellCustomer> customers)
    {
        var csv = new StringBuilder();
        CsvWriter.WriteRow(csv, ["account_id", "external_id", "name", "segment", "owner_id", "orders", "net_revenue", "cumulative_net_revenue"]);
        foreach (var c in customers)
        {
            CsvWriter.WriteRow(csv, [c.AccountId, c.ExternalId, c.Name, c.Segment, c.OwnerId, c.Orders, Formats.RoundMoney(c.NetRevenue), Formats.RoundMoney(c.CumulativeNetRevenue)]);
        }
        return csv.ToString();
    }
}

/// <summary>The leading <c>group</c> column of a cohort CSV: present only when the view is broken down.</summary>
internal sealed record GroupColumn(bool Present)
{
    public static GroupColumn For(IEnumerable<string> groups)
    {
        var names = groups.Take(2).ToList();
        return new(names.Count != 1 || names[0] != CohortMatrixBuilder.AllGroup);
    }

    public object?[] Header => Present ? ["group"] : [];

    public object?[] Cell(string group) => Present ? [group] : [];
}
