using System.Text;
using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Analytics.Projections;
using CohortDashboard.Data.Csv;

namespace CohortDashboard.Web.Features.Cohorts;

/// <summary>
/// CSV of the cohort matrix and of one cell's customers, written by <see cref="CsvWriter"/> (RFC 4180, invariant numbers,
/// formula-leading text neutralised). Values are the raw numbers
/// (fractions for percentages); a not-yet-started cell is empty and an undefined one too.
/// </summary>
public static class CohortCsv
{
    /// <summary>Header <c>[group,]cohort,cohort_start,size,{offset labels}</c>, one row per cohort, then each group's mean row.</summary>
    public static string Matrix(CohortAnalysis analysis)
    {
        var csv = new StringBuilder();
        var grouped = analysis.Groups.Count != 1 || analysis.Groups[0].Group != CohortMatrixBuilder.AllGroup;
        IEnumerable<object?> Lead(string group) => grouped ? [group] : [];
        CsvWriter.WriteRow(csv, [.. grouped ? ["group"] : Array.Empty<object?>(), "cohort", "cohort_start", "size", .. analysis.OffsetLabels]);
        foreach (var matrix in analysis.Groups)
        {
            foreach (var row in matrix.Rows)
            {
                CsvWriter.WriteRow(csv, [.. Lead(matrix.Group), row.Label, row.Start, row.Size, .. row.Cells.Select(c => (object?)c?.Value)]);
            }
            CsvWriter.WriteRow(csv, [.. Lead(matrix.Group), "Mean", null, matrix.Customers, .. matrix.Mean.Select(c => (object?)c?.Value)]);
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
        var grouped = projection.Groups.Count != 1 || projection.Groups[0].Group != CohortMatrixBuilder.AllGroup;
        CsvWriter.WriteRow(csv, [.. grouped ? ["group"] : Array.Empty<object?>(), "cohort", "cohort_start", "size",
            .. CohortProjections.LtvHorizons.SelectMany(h => new object?[] { $"ltv_{h}", $"ltv_{h}_lower", $"ltv_{h}_upper", $"ltv_{h}_status" })]);
        foreach (var group in projection.Groups)
        {
            foreach (var row in projection.ShownRows(group))
            {
                CsvWriter.WriteRow(csv, [.. grouped ? [group.Group] : Array.Empty<object?>(), row.Label, row.Start, row.Size,
                    .. row.Ltv.SelectMany(l => new object?[]
                    {
                        l.Value?.Value, l.Value?.Lower, l.Value?.Upper, l.Observed ? "observed" : l.Value is null ? l.Missing : "projected",
                    })]);
            }
        }
        return csv.ToString();
    }

    public static string Customers(IEnumerable<CellCustomer> customers)
    {
        var csv = new StringBuilder();
        CsvWriter.WriteRow(csv, ["account_id", "external_id", "name", "segment", "owner_id", "orders", "net_revenue", "cumulative_net_revenue"]);
        foreach (var c in customers)
        {
            CsvWriter.WriteRow(csv, [c.AccountId, c.ExternalId, c.Name, c.Segment, c.OwnerId, c.Orders, c.NetRevenue, c.CumulativeNetRevenue]);
        }
        return csv.ToString();
    }
}
