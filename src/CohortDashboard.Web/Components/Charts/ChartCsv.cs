using System.Text;
using CohortDashboard.Data.Csv;

namespace CohortDashboard.Web.Components.Charts;

/// <summary>
/// Turns the traces a chart shows into CSV (RFC 4180: comma-separated, CRLF line ends, fields quoted when
/// needed), with invariant-culture numbers and ISO dates. Pure: no maths beyond laying the values out.
/// <list type="bullet">
/// <item>One heatmap: a matrix, header <c>{yTitle},{x labels...}</c> then one row per y label.</item>
/// <item>One pie: <c>label,value</c>.</item>
/// <item>Bar/scatter traces that share the same categories: wide, <c>{category},{trace names...}</c>.</item>
/// <item>Anything else: long, <c>series,x,y[,z]</c> with one row per point (heatmaps one row per cell).</item>
/// </list>
/// Cells are written by <see cref="CsvWriter"/> (formula-leading text prefixed with '); numbers are rounded to 4 decimals.
/// </summary>
public static class ChartCsv
{
    public static string FromTraces(IReadOnlyList<ChartTrace> traces, ChartLayout? layout = null)
    {
        ArgumentNullException.ThrowIfNull(traces);
        var csv = new StringBuilder();
        if (traces.Count == 0)
        {
            return string.Empty;
        }

        if (traces is [HeatmapTrace heatmap])
        {
            WriteHeatmapMatrix(csv, heatmap, layout);
        }
        else if (traces is [PieTrace pie])
        {
            CsvWriter.WriteRow(csv, ["label", "value"]);
            for (var i = 0; i < Math.Max(pie.Labels.Count, pie.Values.Count); i++)
            {
                CsvWriter.WriteRow(csv, [At(pie.Labels, i), At(pie.Values, i)]);
            }
        }
        else if (TryGetSharedCategories(traces, out var categories, out var values))
        {
            var horizontal = traces[0] is BarTrace { Orientation: "h" };
            var categoryTitle = (horizontal ? layout?.YAxis?.Title : layout?.XAxis?.Title) ?? (horizontal ? "y" : "x");
            CsvWriter.WriteRow(csv, [categoryTitle, .. traces.Select((t, i) => (object?)(t.Name ?? $"trace {i + 1}"))]);
            for (var row = 0; row < categories.Count; row++)
            {
                CsvWriter.WriteRow(csv, [categories[row], .. values.Select(v => At(v, row))]);
            }
        }
        else
        {
            WriteLong(csv, traces);
        }
        return csv.ToString();
    }

    private static void WriteHeatmapMatrix(StringBuilder csv, HeatmapTrace heatmap, ChartLayout? layout)
    {
        var columns = heatmap.Z.Count == 0 ? 0 : heatmap.Z.Max(r => r.Count);
        var corner = layout?.YAxis?.Title ?? heatmap.Name ?? "";
        CsvWriter.WriteRow(csv, [corner, .. Enumerable.Range(0, columns).Select(j => heatmap.X is null ? j : At(heatmap.X, j))]);
        for (var i = 0; i < heatmap.Z.Count; i++)
        {
            var row = heatmap.Z[i];
            CsvWriter.WriteRow(csv, [heatmap.Y is null ? i : At(heatmap.Y, i), .. Enumerable.Range(0, columns).Select(j => At(row, j))]);
        }
    }

    private static void WriteLong(StringBuilder csv, IReadOnlyList<ChartTrace> traces)
    {
        var hasZ = traces.Any(t => t is HeatmapTrace);
        CsvWriter.WriteRow(csv, hasZ ? ["series", "x", "y", "z"] : ["series", "x", "y"]);
        for (var t = 0; t < traces.Count; t++)
        {
            var trace = traces[t];
            var name = trace.Name ?? $"trace {t + 1}";
            foreach (var (x, y, z) in Points(trace))
            {
                CsvWriter.WriteRow(csv, hasZ ? [name, x, y, z] : [name, x, y]);
            }
        }
    }

    private static IEnumerable<(object? X, object? Y, object? Z)> Points(ChartTrace trace)
    {
        switch (trace)
        {
            case BarTrace bar:
                for (var i = 0; i < Math.Max(bar.X.Count, bar.Y.Count); i++) yield return (At(bar.X, i), At(bar.Y, i), null);
                break;
            case ScatterTrace scatter:
                for (var i = 0; i < Math.Max(scatter.X.Count, scatter.Y.Count); i++) yield return (At(scatter.X, i), At(scatter.Y, i), null);
                break;
            case PieTrace pie:
                for (var i = 0; i < Math.Max(pie.Labels.Count, pie.Values.Count); i++) yield return (At(pie.Labels, i), At(pie.Values, i), null);
                break;
            case HeatmapTrace heatmap:
                for (var i = 0; i < heatmap.Z.Count; i++)
                {
                    for (var j = 0; j < heatmap.Z[i].Count; j++)
                    {
                        yield return (heatmap.X is null ? j : At(heatmap.X, j), heatmap.Y is null ? i : At(heatmap.Y, i), heatmap.Z[i][j]);
                    }
                }
                break;
        }
    }

    /// <summary>Bar/scatter traces whose category lists (x; y for horizontal bars) are identical.</summary>
    private static bool TryGetSharedCategories(
        IReadOnlyList<ChartTrace> traces, out IReadOnlyList<object?> categories, out List<IReadOnlyList<object?>> values)
    {
        categories = [];
        values = [];
        string[]? key = null;
        bool? horizontal = null;
        foreach (var trace in traces)
        {
            (IReadOnlyList<object?> c, IReadOnlyList<object?> v, bool h) = trace switch
            {
                BarTrace { Orientation: "h" } b => (b.Y, b.X, true),
                BarTrace b => (b.X, b.Y, false),
                ScatterTrace s => (s.X, s.Y, false),
                _ => (null!, null!, false),
            };
            if (c is null || c.Count != v.Count || (horizontal is not null && horizontal != h))
            {
                return false;
            }
            var thisKey = c.Select(CsvWriter.Format).ToArray();
            if (key is null)
            {
                if (thisKey.Distinct().Count() != thisKey.Length)
                {
                    return false; // repeated x values (e.g. a scatter cloud): the long form keeps every point
                }
                key = thisKey;
                categories = c;
                horizontal = h;
            }
            else if (!key.SequenceEqual(thisKey))
            {
                return false;
            }
            values.Add(v);
        }
        return key is not null;
    }

    private static object? At<T>(IReadOnlyList<T>? list, int index) =>
        list is not null && index < list.Count ? Rounded(list[index]) : null;

    // A chart's numbers carry no unit here: 4 decimals keep a rate's precision (0.1234 = 12.34%) and money's cents.
    private static object? Rounded(object? value) => value switch
    {
        decimal d => Math.Round(d, 4, MidpointRounding.AwayFromZero),
        double d when double.IsFinite(d) => Math.Round(d, 4, MidpointRounding.AwayFromZero),
        float f when float.IsFinite(f) => Math.Round((double)f, 4, MidpointRounding.AwayFromZero),
        _ => value,
    };
}
