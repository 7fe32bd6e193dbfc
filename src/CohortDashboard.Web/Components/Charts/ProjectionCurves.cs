using System.Globalization;

namespace CohortDashboard.Web.Components.Charts;

/// <summary>A point of a projected curve: its value, 95% bounds (null: no band there) and hover text.</summary>
public sealed record ProjectionPoint(object? X, double Y, double? Lower, double? Upper, string Hover);

/// <summary>
/// How a projected continuation is drawn wherever curves are: a dashed line in the cohort's colour over a shaded 95%
/// band, grouped with the cohort's own line in the legend, plus one legend entry that says what dashes mean.
/// </summary>
public static class ProjectionCurves
{
    // Plotly's default colourway, assigned explicitly so a cohort's projection can share its line's colour.
    private static readonly string[] Palette =
        ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    public const string LegendName = "Projected (dashed; band = 95% interval)";

    public static string Colour(int index) => Palette[index % Palette.Length];

    /// <summary>Band (upper, then lower filled up to it) and dashed line for one cohort; the first point is usually its last observation.</summary>
    public static IEnumerable<ChartTrace> Traces(string group, string colour, IReadOnlyList<ProjectionPoint> points)
    {
        var x = points.Select(p => p.X).ToList();
        ScatterTrace Bound(string name, Func<ProjectionPoint, double?> bound, string? fill) => new()
        {
            Name = $"{group} {name}",
            LegendGroup = group,
            ShowLegend = false,
            Mode = ScatterMode.Lines,
            X = x,
            Y = points.Select(p => (object?)(bound(p) ?? p.Y)).ToList(),
            Line = new ChartLine { Width = 0, Color = colour },
            Fill = fill,
            FillColor = fill is null ? null : Translucent(colour),
            HoverInfo = "skip",
        };
        // Upper first, then lower filled up to it ("tonexty").
        yield return Bound("upper", p => p.Upper, null);
        yield return Bound("95% interval", p => p.Lower, "tonexty");
        yield return new ScatterTrace
        {
            Name = group + " projected",
            LegendGroup = group,
            ShowLegend = false,
            Mode = ScatterMode.LinesAndMarkers,
            X = x,
            Y = points.Select(p => (object?)p.Y).ToList(),
            Line = new ChartLine { Width = 1.5, Color = colour, Dash = "dash" },
            Marker = new ChartMarker { Size = 4, Color = colour, Symbol = "circle-open" },
            Text = points.Select(p => (string?)p.Hover).ToList(),
            HoverTemplate = "%{text}<extra>projected</extra>",
        };
    }

    /// <summary>A legend-only entry explaining the dashes: one empty point at <paramref name="x"/> (Plotly leaves traces without points out of the legend).</summary>
    public static ChartTrace LegendEntry(object? x) => new ScatterTrace
    {
        Name = LegendName,
        Mode = ScatterMode.Lines,
        X = [x],
        Y = [null],
        HoverInfo = "skip",
        Line = new ChartLine { Width = 1.5, Color = "#7f7f7f", Dash = "dash" },
        ShowLegend = true,
    };

    private static string Translucent(string hex) => string.Create(CultureInfo.InvariantCulture,
        $"rgba({Convert.ToInt32(hex[1..3], 16)},{Convert.ToInt32(hex[3..5], 16)},{Convert.ToInt32(hex[5..7], 16)},0.15)");
}
