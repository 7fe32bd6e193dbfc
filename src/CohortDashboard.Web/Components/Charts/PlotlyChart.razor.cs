using System.Globalization;
using System.Text.Json;
using CohortDashboard.Web.Features.Theme;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Logging;
using Microsoft.JSInterop;
using Plotly.Blazor.Interop;

namespace CohortDashboard.Web.Components.Charts;

/// <summary>
/// Draws our chart model (<see cref="ChartTrace"/>, <see cref="ChartLayout"/>) with Plotly.Blazor, in the theme's
/// colours (<see cref="ChartTheme"/>, following <see cref="ThemeState"/>), as wide as its container (Plotly's
/// responsive mode follows the window). Redraws (Plotly.react) only when the drawn figure changes. PNG export is
/// Plotly's own image export; CSV is the traces' numbers (<see cref="ChartCsv"/>).
/// </summary>
public sealed partial class PlotlyChart : ComponentBase, IDisposable
{
    private const int PngWidth = 1200;

    private Plotly.Blazor.PlotlyChart? chart;
    private PlotlyFigure figure = PlotlyFigure.Empty;
    private string drawnKey = "";
    private bool drawn;
    private bool dark;
    private bool scriptLoaded;
    private bool disposed;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Inject]
    private PlotlyScript Script { get; set; } = default!;

    [Inject]
    private ThemeState Theme { get; set; } = default!;

    [Inject]
    private ILogger<PlotlyChart> Logger { get; set; } = default!;

    /// <summary>The traces to draw, e.g. <see cref="BarTrace"/>, <see cref="ScatterTrace"/>, <see cref="HeatmapTrace"/>.</summary>
    [Parameter, EditorRequired]
    public IReadOnlyList<ChartTrace> Traces { get; set; } = [];

    [Parameter]
    public ChartLayout? Layout { get; set; }

    /// <summary>Defaults to <c>new ChartConfig()</c> (responsive, no Plotly logo), with the PNG file name set.</summary>
    [Parameter]
    public ChartConfig? Config { get; set; }

    /// <summary>The chart's name: the data-chart attribute value and, prefixed, the plot element's id (default "chart").</summary>
    [Parameter]
    public string? Id { get; set; }

    /// <summary>Height of the chart in pixels ("320px"); the width follows the container.</summary>
    [Parameter]
    public string Height { get; set; } = "320px";

    /// <summary>File name (without extension) for PNG/CSV downloads; defaults to Id, then "chart".</summary>
    [Parameter]
    public string? PngFileName { get; set; }

    /// <summary>Accessible name; defaults to the layout title, then "Chart".</summary>
    [Parameter]
    public string? AriaLabel { get; set; }

    /// <summary>Extra CSS classes on the chart element (it always has "plotly-chart").</summary>
    [Parameter]
    public string? Class { get; set; }

    /// <summary>Shows "Download PNG" and "Download CSV" buttons above the chart.</summary>
    [Parameter]
    public bool ShowExport { get; set; }

    /// <summary>Raised when a data point is clicked.</summary>
    [Parameter]
    public EventCallback<ChartPointClick> OnPointClick { get; set; }

    [Parameter(CaptureUnmatchedValues = true)]
    public IReadOnlyDictionary<string, object>? AdditionalAttributes { get; set; }

    /// <summary>True once the chart has been drawn in the browser.</summary>
    public bool IsRendered => drawn;

    private string AccessibleName => AriaLabel ?? Layout?.Title ?? "Chart";

    private string CssClass => string.IsNullOrWhiteSpace(Class) ? "plotly-chart" : "plotly-chart " + Class;

    private string FileName => PngFileName ?? Id ?? "chart";

    // Plotly.Blazor draws into the element with this id (our element carries Id).
    private string PlotId => (Id ?? "chart-" + instance) + "-plot";

    private readonly string instance = Guid.NewGuid().ToString("N")[..12];

    protected override void OnInitialized()
    {
        dark = Theme.IsDark;
        Theme.Changed += OnThemeChanged;
    }

    protected override void OnParametersSet()
    {
        ArgumentNullException.ThrowIfNull(Traces);
        var config = Config ?? new ChartConfig();
        if (config.ToImageButtonOptions is null)
        {
            config = config with { ToImageButtonOptions = new ChartImageOptions { FileName = FileName } };
        }
        var layout = ChartTheme.For(dark).Apply(Layout);
        if (layout.Height is null && PixelHeight(Height) is { } height)
        {
            layout = layout with { Height = height };
        }
        var next = PlotlyFigure.From(Traces, layout, config);
        if (next.Key != figure.Key)
        {
            figure = next;
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        try
        {
            if (firstRender)
            {
                await Script.EnsureLoadedAsync();
                if (disposed) return;
                scriptLoaded = true;
                StateHasChanged(); // now the Plotly.Blazor chart is rendered and draws itself
                return;
            }
            if (chart is null || !drawn || figure.Key == drawnKey)
            {
                return;
            }
            drawnKey = figure.Key;
            await chart.React();
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone; nothing left to draw on.
        }
        catch (JSException ex)
        {
            Logger.LogError(ex, "Redrawing chart {ChartId} failed", Id ?? "(no id)");
        }
    }

    /// <summary>Plotly.Blazor's AfterRender (a synchronous delegate): the first draw has been sent.</summary>
    private void OnFirstDrawn()
    {
        drawnKey = figure.Key;
        _ = InvokeAsync(async () =>
        {
            try
            {
                if (OnPointClick.HasDelegate && chart is not null)
                {
                    await chart.SubscribeClickEvent();
                }
                drawn = true;
                StateHasChanged(); // enables the export buttons; redraws if parameters changed meanwhile
            }
            catch (JSDisconnectedException)
            {
            }
            catch (JSException ex)
            {
                Logger.LogError(ex, "Subscribing to clicks on chart {ChartId} failed", Id ?? "(no id)");
            }
        });
    }

    private void OnPlotlyClick(IEnumerable<EventDataPoint> points)
    {
        if (points.FirstOrDefault() is not { } point)
        {
            return;
        }
        var click = new ChartPointClick
        {
            CurveNumber = AsInt(point.CurveNumber) ?? 0,
            PointNumber = AsInt(point.PointNumber),
            X = AsText(point.X),
            Y = AsText(point.Y),
            Z = AsNumber(point.Z),
        };
        _ = InvokeAsync(() => OnPointClick.InvokeAsync(click));
    }

    private void OnThemeChanged()
    {
        _ = InvokeAsync(() =>
        {
            dark = Theme.IsDark;
            OnParametersSet();
            StateHasChanged();
        });
    }

    /// <summary>Downloads the chart as "{PngFileName}.png" through Plotly's image export (the theme's opaque background).</summary>
    public async Task DownloadPngAsync()
    {
        if (chart is null || !drawn)
        {
            return;
        }
        try
        {
            var height = (uint)(figure.Height ?? 450);
            await chart.DownloadImage(Plotly.Blazor.ImageFormat.Png, height, PngWidth, FileName);
        }
        catch (JSDisconnectedException)
        {
        }
    }

    /// <summary>Downloads the traces as "{PngFileName}.csv" (see <see cref="ChartCsv.FromTraces"/>).</summary>
    public async Task DownloadCsvAsync()
    {
        try
        {
            // UTF-8 BOM so spreadsheet programs detect the encoding of non-ASCII labels.
            var csv = "\uFEFF" + ChartCsv.FromTraces(Traces, Layout);
            await using var module = await JS.InvokeAsync<IJSObjectReference>("import", "./js/site.js");
            await module.InvokeVoidAsync("downloadText", FileName + ".csv", csv, "text/csv;charset=utf-8");
        }
        catch (JSDisconnectedException)
        {
        }
    }

    public void Dispose()
    {
        disposed = true;
        Theme.Changed -= OnThemeChanged;
    }

    internal static int? PixelHeight(string? css) =>
        css is not null && css.EndsWith("px", StringComparison.Ordinal)
        && double.TryParse(css[..^2], NumberStyles.Float, CultureInfo.InvariantCulture, out var px) && px > 0
            ? (int)Math.Round(px)
            : null;

    private static string? AsText(object? value) => value switch
    {
        null => null,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
        JsonElement { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
        JsonElement e => e.GetRawText(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static double? AsNumber(object? value) => value switch
    {
        JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
        double d when double.IsFinite(d) => d,
        _ => null,
    };

    private static int? AsInt(object? value) => value switch
    {
        JsonElement { ValueKind: JsonValueKind.Number } e when e.TryGetInt32(out var i) => i,
        int i => i,
        long l => (int)l,
        _ => null,
    };
}
