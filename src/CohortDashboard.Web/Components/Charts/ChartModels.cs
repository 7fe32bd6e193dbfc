using System.Text.Json.Serialization;

namespace CohortDashboard.Web.Components.Charts;

// Typed records for the subset of Plotly's figure schema we use (https://plotly.com/javascript/reference/).
// Every property carries its exact Plotly key; nulls are omitted when serialised (ChartJson), so Plotly applies
// its own defaults. Values on category/date axes are `object?` so strings, numbers, DateOnly and DateTime all work.

/// <summary>One Plotly trace. Serialised by its runtime type (see <see cref="ChartJson"/>).</summary>
public abstract record ChartTrace
{
    /// <summary>Plotly's trace type: "bar", "scatter", "heatmap", "pie".</summary>
    [JsonPropertyName("type"), JsonPropertyOrder(-10)]
    public string Type => TraceType;

    /// <summary>Set by each concrete trace (kept protected so it is not serialised a second time).</summary>
    protected abstract string TraceType { get; }

    [JsonPropertyName("name"), JsonPropertyOrder(-9)]
    public string? Name { get; init; }

    [JsonPropertyName("showlegend")]
    public bool? ShowLegend { get; init; }

    [JsonPropertyName("legendgroup")]
    public string? LegendGroup { get; init; }

    /// <summary>E.g. "%{x}: %{y:.1%}&lt;extra&gt;&lt;/extra&gt;".</summary>
    [JsonPropertyName("hovertemplate")]
    public string? HoverTemplate { get; init; }

    /// <summary>E.g. "x+y", "skip", "none".</summary>
    [JsonPropertyName("hoverinfo")]
    public string? HoverInfo { get; init; }

    [JsonPropertyName("opacity")]
    public double? Opacity { get; init; }

    /// <summary>true, false or "legendonly" (use <see cref="ChartVisibility"/>).</summary>
    [JsonPropertyName("visible")]
    public object? Visible { get; init; }

    /// <summary>Per-point data echoed back in click events (<see cref="ChartPointClick.CustomData"/>).</summary>
    [JsonPropertyName("customdata")]
    public IReadOnlyList<object?>? CustomData { get; init; }
}

public static class ChartVisibility
{
    public const string LegendOnly = "legendonly";
}

public sealed record BarTrace : ChartTrace
{
    protected override string TraceType => "bar";

    [JsonPropertyName("x")]
    public required IReadOnlyList<object?> X { get; init; }

    [JsonPropertyName("y")]
    public required IReadOnlyList<object?> Y { get; init; }

    /// <summary>"v" (default) or "h" (then X holds the values and Y the categories).</summary>
    [JsonPropertyName("orientation")]
    public string? Orientation { get; init; }

    [JsonPropertyName("text")]
    public IReadOnlyList<string?>? Text { get; init; }

    /// <summary>"inside", "outside", "auto", "none".</summary>
    [JsonPropertyName("textposition")]
    public string? TextPosition { get; init; }

    [JsonPropertyName("texttemplate")]
    public string? TextTemplate { get; init; }

    [JsonPropertyName("marker")]
    public ChartMarker? Marker { get; init; }

    [JsonPropertyName("offsetgroup")]
    public string? OffsetGroup { get; init; }

    /// <summary>Axis references, e.g. "y2" to plot against <see cref="ChartLayout.YAxis2"/>.</summary>
    [JsonPropertyName("xaxis")]
    public string? XAxisRef { get; init; }

    [JsonPropertyName("yaxis")]
    public string? YAxisRef { get; init; }
}

public sealed record ScatterTrace : ChartTrace
{
    protected override string TraceType => "scatter";

    [JsonPropertyName("x")]
    public required IReadOnlyList<object?> X { get; init; }

    [JsonPropertyName("y")]
    public required IReadOnlyList<object?> Y { get; init; }

    /// <summary>"lines", "markers", "lines+markers", "lines+markers+text" (see <see cref="ScatterMode"/>).</summary>
    [JsonPropertyName("mode")]
    public string? Mode { get; init; }

    [JsonPropertyName("line")]
    public ChartLine? Line { get; init; }

    [JsonPropertyName("marker")]
    public ChartMarker? Marker { get; init; }

    /// <summary>"tozeroy", "tonexty", "toself", ...</summary>
    [JsonPropertyName("fill")]
    public string? Fill { get; init; }

    [JsonPropertyName("fillcolor")]
    public string? FillColor { get; init; }

    [JsonPropertyName("connectgaps")]
    public bool? ConnectGaps { get; init; }

    [JsonPropertyName("text")]
    public IReadOnlyList<string?>? Text { get; init; }

    [JsonPropertyName("textposition")]
    public string? TextPosition { get; init; }

    [JsonPropertyName("xaxis")]
    public string? XAxisRef { get; init; }

    [JsonPropertyName("yaxis")]
    public string? YAxisRef { get; init; }
}

public static class ScatterMode
{
    public const string Lines = "lines";
    public const string Markers = "markers";
    public const string LinesAndMarkers = "lines+markers";
}

public sealed record HeatmapTrace : ChartTrace
{
    protected override string TraceType => "heatmap";

    /// <summary>Rows of values: Z[i][j] is drawn at (X[j], Y[i]). Null cells are gaps.</summary>
    [JsonPropertyName("z")]
    public required IReadOnlyList<IReadOnlyList<double?>> Z { get; init; }

    /// <summary>Column labels.</summary>
    [JsonPropertyName("x")]
    public IReadOnlyList<object?>? X { get; init; }

    /// <summary>Row labels.</summary>
    [JsonPropertyName("y")]
    public IReadOnlyList<object?>? Y { get; init; }

    [JsonPropertyName("colorscale")]
    public ChartColorscale? Colorscale { get; init; }

    [JsonPropertyName("reversescale")]
    public bool? ReverseScale { get; init; }

    [JsonPropertyName("zmin")]
    public double? ZMin { get; init; }

    [JsonPropertyName("zmax")]
    public double? ZMax { get; init; }

    [JsonPropertyName("zmid")]
    public double? ZMid { get; init; }

    [JsonPropertyName("showscale")]
    public bool? ShowScale { get; init; }

    [JsonPropertyName("colorbar")]
    public ChartColorBar? ColorBar { get; init; }

    /// <summary>Per-cell text, same shape as <see cref="Z"/> (shown through %{text}).</summary>
    [JsonPropertyName("text")]
    public IReadOnlyList<IReadOnlyList<string?>>? Text { get; init; }

    /// <summary>Text drawn in each cell, e.g. "%{z:.0%}".</summary>
    [JsonPropertyName("texttemplate")]
    public string? TextTemplate { get; init; }

    [JsonPropertyName("hoverongaps")]
    public bool? HoverOnGaps { get; init; }

    [JsonPropertyName("xgap")]
    public double? XGap { get; init; }

    [JsonPropertyName("ygap")]
    public double? YGap { get; init; }
}

public sealed record PieTrace : ChartTrace
{
    protected override string TraceType => "pie";

    [JsonPropertyName("labels")]
    public required IReadOnlyList<string> Labels { get; init; }

    [JsonPropertyName("values")]
    public required IReadOnlyList<double?> Values { get; init; }

    /// <summary>0..1; above 0 makes a donut.</summary>
    [JsonPropertyName("hole")]
    public double? Hole { get; init; }

    [JsonPropertyName("sort")]
    public bool? Sort { get; init; }

    /// <summary>"clockwise" or "counterclockwise".</summary>
    [JsonPropertyName("direction")]
    public string? Direction { get; init; }

    /// <summary>E.g. "label+percent", "value", "none".</summary>
    [JsonPropertyName("textinfo")]
    public string? TextInfo { get; init; }

    [JsonPropertyName("marker")]
    public PieMarker? Marker { get; init; }
}

public sealed record ChartMarker
{
    /// <summary>A CSS colour, or a list of colours (one per point).</summary>
    [JsonPropertyName("color")]
    public object? Color { get; init; }

    [JsonPropertyName("size")]
    public double? Size { get; init; }

    [JsonPropertyName("opacity")]
    public double? Opacity { get; init; }

    /// <summary>"circle", "square", "diamond", ...</summary>
    [JsonPropertyName("symbol")]
    public string? Symbol { get; init; }

    [JsonPropertyName("line")]
    public ChartLine? Line { get; init; }
}

public sealed record PieMarker
{
    [JsonPropertyName("colors")]
    public IReadOnlyList<string>? Colors { get; init; }

    [JsonPropertyName("line")]
    public ChartLine? Line { get; init; }
}

public sealed record ChartLine
{
    [JsonPropertyName("color")]
    public string? Color { get; init; }

    [JsonPropertyName("width")]
    public double? Width { get; init; }

    /// <summary>"solid", "dot", "dash", "dashdot".</summary>
    [JsonPropertyName("dash")]
    public string? Dash { get; init; }

    /// <summary>"linear", "spline", "hv", ...</summary>
    [JsonPropertyName("shape")]
    public string? Shape { get; init; }
}

public sealed record ChartColorBar
{
    [JsonPropertyName("title"), JsonConverter(typeof(PlotlyTitleConverter))]
    public string? Title { get; init; }

    [JsonPropertyName("ticksuffix")]
    public string? TickSuffix { get; init; }

    [JsonPropertyName("tickformat")]
    public string? TickFormat { get; init; }

    [JsonPropertyName("thickness")]
    public double? Thickness { get; init; }
}

/// <summary>
/// A Plotly colorscale: either a named scale ("Viridis", "Blues", "RdBu", ...) or stops from 0 to 1.
/// Serialises as the name string or as [[0,"#fff"],[1,"#08306b"]].
/// </summary>
[JsonConverter(typeof(ChartColorscaleConverter))]
public sealed record ChartColorscale
{
    private ChartColorscale(string? name, IReadOnlyList<ColorStop>? stops)
    {
        Name = name;
        Stops = stops;
    }

    public string? Name { get; }

    public IReadOnlyList<ColorStop>? Stops { get; }

    public static ChartColorscale Named(string name) => new(name, null);

    public static ChartColorscale FromStops(params IReadOnlyList<ColorStop> stops)
    {
        if (stops.Count < 2)
        {
            throw new ArgumentException("A colorscale needs at least two stops (0 and 1).", nameof(stops));
        }
        return new(null, stops);
    }

    public readonly record struct ColorStop(double Fraction, string Color);
}

public sealed record ChartLayout
{
    /// <summary>Serialised as {"text": ...}; also the chart's accessible name.</summary>
    [JsonPropertyName("title"), JsonConverter(typeof(PlotlyTitleConverter))]
    public string? Title { get; init; }

    [JsonPropertyName("xaxis")]
    public ChartAxis? XAxis { get; init; }

    [JsonPropertyName("yaxis")]
    public ChartAxis? YAxis { get; init; }

    /// <summary>A secondary y axis; set <c>Overlaying = "y", Side = "right"</c> and YAxisRef = "y2" on traces.</summary>
    [JsonPropertyName("yaxis2")]
    public ChartAxis? YAxis2 { get; init; }

    /// <summary>"group", "stack", "overlay", "relative".</summary>
    [JsonPropertyName("barmode")]
    public string? BarMode { get; init; }

    [JsonPropertyName("bargap")]
    public double? BarGap { get; init; }

    [JsonPropertyName("showlegend")]
    public bool? ShowLegend { get; init; }

    [JsonPropertyName("legend")]
    public ChartLegend? Legend { get; init; }

    /// <summary>Pixels. Leave null to fill the component's <c>Height</c>.</summary>
    [JsonPropertyName("height")]
    public int? Height { get; init; }

    [JsonPropertyName("margin")]
    public ChartMargin? Margin { get; init; }

    /// <summary>"closest", "x", "y", "x unified", "y unified".</summary>
    [JsonPropertyName("hovermode")]
    public string? HoverMode { get; init; }

    /// <summary>Null keeps it transparent so the app's CSS background shows through.</summary>
    [JsonPropertyName("paper_bgcolor")]
    public string? PaperBackgroundColor { get; init; }

    [JsonPropertyName("plot_bgcolor")]
    public string? PlotBackgroundColor { get; init; }

    /// <summary>Null fields default to the chart element's CSS colour and font-family.</summary>
    [JsonPropertyName("font")]
    public ChartFont? Font { get; init; }

    /// <summary>Trace colours in order (else the CSS variable --chart-colorway, else Plotly's defaults).</summary>
    [JsonPropertyName("colorway")]
    public IReadOnlyList<string>? Colorway { get; init; }

    /// <summary>Rectangles drawn behind the data, e.g. the running period's hatched band (<see cref="RunningPeriod"/>).</summary>
    [JsonPropertyName("shapes")]
    public IReadOnlyList<ChartShape>? Shapes { get; init; }

    [JsonPropertyName("annotations")]
    public IReadOnlyList<ChartAnnotation>? Annotations { get; init; }
}

/// <summary>A layout shape; only rectangles are used (x in data units, y in "paper" fractions).</summary>
public sealed record ChartShape
{
    [JsonPropertyName("type")]
    public string Type { get; init; } = "rect";

    [JsonPropertyName("xref")]
    public string XRef { get; init; } = "x";

    [JsonPropertyName("yref")]
    public string YRef { get; init; } = "paper";

    [JsonPropertyName("x0")]
    public object? X0 { get; init; }

    [JsonPropertyName("x1")]
    public object? X1 { get; init; }

    [JsonPropertyName("y0")]
    public double Y0 { get; init; }

    [JsonPropertyName("y1")]
    public double Y1 { get; init; } = 1;

    [JsonPropertyName("fillcolor")]
    public string? FillColor { get; init; }

    /// <summary>Plotly's pattern fill for shapes is not available, so "hatching" is a translucent band plus a dashed edge.</summary>
    [JsonPropertyName("line")]
    public ChartLine? Line { get; init; }

    [JsonPropertyName("layer")]
    public string Layer { get; init; } = "below";
}

public sealed record ChartAnnotation
{
    [JsonPropertyName("text")]
    public required string Text { get; init; }

    [JsonPropertyName("x")]
    public object? X { get; init; }

    [JsonPropertyName("y")]
    public double Y { get; init; } = 1;

    [JsonPropertyName("xref")]
    public string XRef { get; init; } = "x";

    [JsonPropertyName("yref")]
    public string YRef { get; init; } = "paper";

    [JsonPropertyName("yanchor")]
    public string YAnchor { get; init; } = "bottom";

    [JsonPropertyName("showarrow")]
    public bool ShowArrow { get; init; }

    [JsonPropertyName("font")]
    public ChartFont? Font { get; init; }
}

public sealed record ChartAxis
{
    [JsonPropertyName("title"), JsonConverter(typeof(PlotlyTitleConverter))]
    public string? Title { get; init; }

    /// <summary>"linear", "log", "date", "category".</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    /// <summary>d3-format / d3-time-format, e.g. ".0%", ",d", "%b %Y".</summary>
    [JsonPropertyName("tickformat")]
    public string? TickFormat { get; init; }

    [JsonPropertyName("tickprefix")]
    public string? TickPrefix { get; init; }

    [JsonPropertyName("ticksuffix")]
    public string? TickSuffix { get; init; }

    [JsonPropertyName("tickangle")]
    public double? TickAngle { get; init; }

    [JsonPropertyName("nticks")]
    public int? NTicks { get; init; }

    [JsonPropertyName("range")]
    public IReadOnlyList<object?>? Range { get; init; }

    /// <summary>"reversed" (e.g. heatmap rows top-down).</summary>
    [JsonPropertyName("autorange")]
    public string? AutoRange { get; init; }

    [JsonPropertyName("rangemode")]
    public string? RangeMode { get; init; }

    [JsonPropertyName("showgrid")]
    public bool? ShowGrid { get; init; }

    [JsonPropertyName("gridcolor")]
    public string? GridColor { get; init; }

    [JsonPropertyName("linecolor")]
    public string? LineColor { get; init; }

    [JsonPropertyName("zerolinecolor")]
    public string? ZeroLineColor { get; init; }

    [JsonPropertyName("tickfont")]
    public ChartFont? TickFont { get; init; }

    [JsonPropertyName("zeroline")]
    public bool? ZeroLine { get; init; }

    [JsonPropertyName("automargin")]
    public bool? AutoMargin { get; init; }

    /// <summary>"trace", "category ascending", "total descending", ...</summary>
    [JsonPropertyName("categoryorder")]
    public string? CategoryOrder { get; init; }

    [JsonPropertyName("fixedrange")]
    public bool? FixedRange { get; init; }

    /// <summary>For a secondary axis: "y".</summary>
    [JsonPropertyName("overlaying")]
    public string? Overlaying { get; init; }

    /// <summary>"left", "right", "top", "bottom".</summary>
    [JsonPropertyName("side")]
    public string? Side { get; init; }
}

public sealed record ChartLegend
{
    /// <summary>"v" or "h".</summary>
    [JsonPropertyName("orientation")]
    public string? Orientation { get; init; }

    [JsonPropertyName("x")]
    public double? X { get; init; }

    [JsonPropertyName("y")]
    public double? Y { get; init; }

    [JsonPropertyName("xanchor")]
    public string? XAnchor { get; init; }

    [JsonPropertyName("yanchor")]
    public string? YAnchor { get; init; }
}

public sealed record ChartMargin
{
    [JsonPropertyName("l")]
    public int? Left { get; init; }

    [JsonPropertyName("r")]
    public int? Right { get; init; }

    [JsonPropertyName("t")]
    public int? Top { get; init; }

    [JsonPropertyName("b")]
    public int? Bottom { get; init; }

    [JsonPropertyName("pad")]
    public int? Pad { get; init; }
}

public sealed record ChartFont
{
    [JsonPropertyName("family")]
    public string? Family { get; init; }

    [JsonPropertyName("size")]
    public double? Size { get; init; }

    [JsonPropertyName("color")]
    public string? Color { get; init; }
}

public sealed record ChartConfig
{
    [JsonPropertyName("responsive")]
    public bool? Responsive { get; init; } = true;

    [JsonPropertyName("displaylogo")]
    public bool? DisplayLogo { get; init; } = false;

    /// <summary>true, false, or null for Plotly's hover-only default.</summary>
    [JsonPropertyName("displayModeBar")]
    public bool? DisplayModeBar { get; init; }

    /// <summary>E.g. "lasso2d", "select2d", "autoScale2d".</summary>
    [JsonPropertyName("modeBarButtonsToRemove")]
    public IReadOnlyList<string>? ModeBarButtonsToRemove { get; init; }

    [JsonPropertyName("staticPlot")]
    public bool? StaticPlot { get; init; }

    [JsonPropertyName("scrollZoom")]
    public bool? ScrollZoom { get; init; }

    [JsonPropertyName("toImageButtonOptions")]
    public ChartImageOptions? ToImageButtonOptions { get; init; }
}

public sealed record ChartImageOptions
{
    /// <summary>Without extension.</summary>
    [JsonPropertyName("filename")]
    public string? FileName { get; init; }

    /// <summary>"png", "svg", "jpeg", "webp".</summary>
    [JsonPropertyName("format")]
    public string? Format { get; init; }

    [JsonPropertyName("scale")]
    public double? Scale { get; init; }
}

/// <summary>The point a user clicked (from Plotly's plotly_click event). X/Y are Plotly's values as text.</summary>
public sealed record ChartPointClick
{
    public int CurveNumber { get; init; }

    public int? PointNumber { get; init; }

    public string? X { get; init; }

    public string? Y { get; init; }

    public double? Z { get; init; }

    /// <summary>Pie slices.</summary>
    public string? Label { get; init; }

    public double? Value { get; init; }

    public string? CustomData { get; init; }
}
