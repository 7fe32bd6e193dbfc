namespace CohortDashboard.Web.Components.Charts;

/// <summary>
/// The chart colours of the light and the dark theme. Applied to a layout on the server, so the drawn chart and its
/// PNG export (Plotly re-renders from the layout) look the same: opaque background, readable text, quiet gridlines.
/// Contrast of text on background: light 15.9:1, dark 13.6:1 (WCAG AA needs 4.5:1).
/// </summary>
public sealed record ChartTheme(string Background, string Text, string Grid, string AxisLine, IReadOnlyList<string> Colorway)
{
    public static ChartTheme Light { get; } = new("#ffffff", "#1f2328", "#e3e6ea", "#8c959f",
        ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]);

    // Lighter hues of the same colourway, so every line stays distinct and legible on the dark background.
    public static ChartTheme Dark { get; } = new("#1e1f24", "#e6e8eb", "#3a3d45", "#8b929c",
        ["#5fa8e8", "#ffa54f", "#5cd65c", "#ff6b6b", "#b896e0", "#c49c94", "#f7a8d8", "#b0b0b0", "#dbdb5a", "#4fd8e8"]);

    public static ChartTheme For(bool dark) => dark ? Dark : Light;

    /// <summary>The layout with this theme's colours wherever the chart did not choose its own.</summary>
    public ChartLayout Apply(ChartLayout? layout)
    {
        layout ??= new ChartLayout();
        return layout with
        {
            PaperBackgroundColor = layout.PaperBackgroundColor ?? Background,
            PlotBackgroundColor = layout.PlotBackgroundColor ?? Background,
            Font = (layout.Font ?? new ChartFont()) with { Color = layout.Font?.Color ?? Text },
            Colorway = layout.Colorway ?? Colorway,
            XAxis = Axis(layout.XAxis ?? new ChartAxis()),
            YAxis = Axis(layout.YAxis ?? new ChartAxis()),
            YAxis2 = layout.YAxis2 is null ? null : Axis(layout.YAxis2),
            Annotations = layout.Annotations?.Select(a => a with { Font = (a.Font ?? new ChartFont()) with { Color = a.Font?.Color ?? Text } }).ToList(),
        };
    }

    private ChartAxis Axis(ChartAxis axis) => axis with
    {
        GridColor = axis.GridColor ?? Grid,
        LineColor = axis.LineColor ?? AxisLine,
        ZeroLineColor = axis.ZeroLineColor ?? AxisLine,
    };
}
