using System.Text.Json;

namespace CohortDashboard.Web.Components.Charts;

/// <summary>
/// Our chart model as Plotly.Blazor's typed figure. Our records carry Plotly's own JSON keys (<see cref="ChartJson"/>),
/// and Plotly.Blazor's classes read the same keys, so each part crosses over as JSON. <see cref="Key"/> is that JSON,
/// to tell whether a redraw is needed.
/// </summary>
internal sealed record PlotlyFigure(IList<Plotly.Blazor.ITrace> Data, Plotly.Blazor.Layout Layout, Plotly.Blazor.Config Config, string Key, int? Height)
{
    public static PlotlyFigure Empty { get; } = new([], new Plotly.Blazor.Layout(), new Plotly.Blazor.Config(), "", null);

    public static PlotlyFigure From(IReadOnlyList<ChartTrace> traces, ChartLayout layout, ChartConfig config)
    {
        var traceJson = traces.Select(t => JsonSerializer.Serialize<object>(t, ChartJson.Options)).ToList();
        var layoutJson = ChartJson.SerializeLayout(layout);
        var configJson = ChartJson.SerializeConfig(config);
        var data = traces.Zip(traceJson, ToPlotly).ToList();
        var plotlyLayout = JsonSerializer.Deserialize<Plotly.Blazor.Layout>(layoutJson)!;
        // Plotly.Blazor 7.2.0's layout reader drops the two keys with an underscore; set them directly.
        plotlyLayout.PaperBgColor = layout.PaperBackgroundColor;
        plotlyLayout.PlotBgColor = layout.PlotBackgroundColor;
        return new PlotlyFigure(
            data,
            plotlyLayout,
            JsonSerializer.Deserialize<Plotly.Blazor.Config>(configJson)!,
            string.Join('\n', [layoutJson, configJson, .. traceJson]),
            layout.Height);
    }

    private static Plotly.Blazor.ITrace ToPlotly(ChartTrace trace, string json) => trace switch
    {
        HeatmapTrace => JsonSerializer.Deserialize<Plotly.Blazor.Traces.HeatMap>(json)!,
        ScatterTrace => JsonSerializer.Deserialize<Plotly.Blazor.Traces.Scatter>(json)!,
        BarTrace => JsonSerializer.Deserialize<Plotly.Blazor.Traces.Bar>(json)!,
        PieTrace => JsonSerializer.Deserialize<Plotly.Blazor.Traces.Pie>(json)!,
        _ => throw new NotSupportedException($"No Plotly.Blazor trace for {trace.GetType().Name}."),
    };
}
