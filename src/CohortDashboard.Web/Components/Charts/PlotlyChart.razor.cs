using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Logging;
using Microsoft.JSInterop;

namespace CohortDashboard.Web.Components.Charts;

/// <summary>
/// Draws the given Plotly traces (wwwroot/js/plotly-interop.js). It renders what it is given: no maths here.
/// Redraws (Plotly.react) only when the serialised traces, layout, config or height change.
/// Needs an interactive render mode (JS interop); when prerendered it shows an empty, labelled placeholder.
/// </summary>
public sealed partial class PlotlyChart : ComponentBase, IAsyncDisposable
{
    internal const string ModulePath = "./js/plotly-interop.js";

    private ElementReference element;
    private IJSObjectReference? module;
    private DotNetObjectReference<PlotlyChart>? dotNetRef;
    private string tracesJson = "[]";
    private string layoutJson = "{}";
    private string configJson = "{}";
    private Drawn? drawn;
    private bool syncing;
    private bool syncAgain;
    private bool disposed;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

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

    /// <summary>The element id; also the data-chart attribute value (default "chart").</summary>
    [Parameter]
    public string? Id { get; set; }

    /// <summary>CSS height of the chart area (set from JS through the CSSOM, so a strict CSP allows it).</summary>
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

    /// <summary>Raised when a data point is clicked (listens only when a delegate is set).</summary>
    [Parameter]
    public EventCallback<ChartPointClick> OnPointClick { get; set; }

    [Parameter(CaptureUnmatchedValues = true)]
    public IReadOnlyDictionary<string, object>? AdditionalAttributes { get; set; }

    /// <summary>True once the chart has been drawn in the browser.</summary>
    public bool IsRendered => drawn is not null;

    private string AccessibleName => AriaLabel ?? Layout?.Title ?? "Chart";

    private string CssClass => string.IsNullOrWhiteSpace(Class) ? "plotly-chart" : "plotly-chart " + Class;

    private string FileName => PngFileName ?? Id ?? "chart";

    protected override void OnParametersSet()
    {
        ArgumentNullException.ThrowIfNull(Traces);
        tracesJson = ChartJson.SerializeTraces(Traces);
        layoutJson = ChartJson.SerializeLayout(Layout);
        var config = Config ?? new ChartConfig();
        if (config.ToImageButtonOptions is null)
        {
            config = config with { ToImageButtonOptions = new ChartImageOptions { FileName = FileName } };
        }
        configJson = ChartJson.SerializeConfig(config);
    }

    protected override Task OnAfterRenderAsync(bool firstRender) => SyncAsync();

    /// <summary>Draws or updates the chart; one call at a time, re-run if parameters changed meanwhile.</summary>
    private async Task SyncAsync()
    {
        if (syncing)
        {
            syncAgain = true;
            return;
        }
        syncing = true;
        try
        {
            do
            {
                syncAgain = false;
                if (disposed)
                {
                    return;
                }
                var wanted = new Drawn(tracesJson, layoutJson, configJson, Height);
                if (wanted == drawn)
                {
                    continue;
                }
                module ??= await JS.InvokeAsync<IJSObjectReference>("import", ModulePath);
                if (disposed)
                {
                    return;
                }
                var options = new { height = wanted.Height };
                var wasRendered = drawn is not null;
                if (!wasRendered)
                {
                    if (OnPointClick.HasDelegate)
                    {
                        dotNetRef ??= DotNetObjectReference.Create(this);
                    }
                    await module.InvokeVoidAsync("render", element, wanted.Traces, wanted.Layout, wanted.Config, dotNetRef, options);
                }
                else
                {
                    await module.InvokeVoidAsync("update", element, wanted.Traces, wanted.Layout, wanted.Config, options);
                }
                drawn = wanted;
                if (!wasRendered && ShowExport && !disposed)
                {
                    StateHasChanged(); // enable the export buttons
                }
            }
            while (syncAgain);
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone; nothing left to draw on.
        }
        catch (JSException ex)
        {
            Logger.LogError(ex, "Drawing chart {ChartId} failed", Id ?? "(no id)");
        }
        finally
        {
            syncing = false;
        }
    }

    /// <summary>Downloads the chart as "{PngFileName}.png" (on an opaque background matching the page).</summary>
    public async Task DownloadPngAsync()
    {
        if (module is null || drawn is null || disposed)
        {
            return;
        }
        try
        {
            await module.InvokeVoidAsync("downloadPng", element, FileName);
        }
        catch (JSDisconnectedException)
        {
        }
    }

    /// <summary>Downloads the traces as "{PngFileName}.csv" (see <see cref="ChartCsv.FromTraces"/>).</summary>
    public async Task DownloadCsvAsync()
    {
        if (module is null || disposed)
        {
            return;
        }
        try
        {
            // UTF-8 BOM so spreadsheet programs detect the encoding of non-ASCII labels.
            var csv = "\uFEFF" + ChartCsv.FromTraces(Traces, Layout);
            await module.InvokeVoidAsync("downloadText", FileName + ".csv", csv, "text/csv;charset=utf-8");
        }
        catch (JSDisconnectedException)
        {
        }
    }

    /// <summary>Called from plotly-interop.js on plotly_click.</summary>
    [JSInvokable]
    public Task OnPlotlyClick(ChartPointClick point) => OnPointClick.InvokeAsync(point);

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }
        disposed = true;
        if (module is not null)
        {
            try
            {
                await module.InvokeVoidAsync("purge", element);
                await module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // Circuit gone: the browser side went with it.
            }
            catch (JSException ex)
            {
                Logger.LogDebug(ex, "Purging chart {ChartId} failed", Id ?? "(no id)");
            }
        }
        dotNetRef?.Dispose();
    }

    private sealed record Drawn(string Traces, string Layout, string Config, string Height);
}
