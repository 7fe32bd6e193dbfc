using Microsoft.JSInterop;

namespace CohortDashboard.Web.Components.Charts;

/// <summary>
/// Loads plotly.js once per circuit through Plotly.Blazor's own loader, before any chart is drawn. Plotly.Blazor queues
/// a draw that arrives while plotly.js is still loading and runs it later without checking that the chart is still on
/// the page, so a quick navigation away made Plotly throw "No DOM element". Charts wait for this instead.
/// </summary>
public sealed class PlotlyScript(IJSRuntime js)
{
    // The same URLs Plotly.Blazor 7.2.0 uses (its loader compares them to skip a second load).
    internal const string InteropPath = "./_content/Plotly.Blazor/plotly-interop-7.2.0.js";
    private const string PlotlyPath = "./_content/Plotly.Blazor/plotly-3.7.0.min.js";

    private Task? loading;

    public Task EnsureLoadedAsync()
    {
        if (loading is null || loading.IsFaulted || loading.IsCanceled)
        {
            loading = LoadAsync();
        }
        return loading;
    }

    private async Task LoadAsync()
    {
        await using var module = await js.InvokeAsync<IJSObjectReference>("import", InteropPath);
        await module.InvokeVoidAsync("importScript", "plotly-import", PlotlyPath);
    }
}

public static class ChartExtensions
{
    public static IServiceCollection AddCharts(this IServiceCollection services) => services.AddScoped<PlotlyScript>();
}
