using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Data.Filters;
using CohortDashboard.Web.Components.Charts;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace CohortDashboard.Web.Features.Cohorts;

/// <summary>
/// The Cohorts page. The URL is the single source of the view (<see cref="CohortViewState"/>): controls navigate to a
/// new URL and the page (re)loads whatever the URL says, so reloads, bookmarks and shared links show the same view.
/// </summary>
public sealed partial class CohortsPage : IDisposable
{
    [Inject] private CohortService Cohorts { get; set; } = default!;
    [Inject] private CohortLookups Lookups { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "measure")] public string? Measure { get; set; }
    [SupplyParameterFromQuery(Name = "grain")] public string? Grain { get; set; }
    [SupplyParameterFromQuery(Name = "periods")] public string? Periods { get; set; }
    [SupplyParameterFromQuery(Name = "cohorts")] public string? CohortCount { get; set; }
    [SupplyParameterFromQuery(Name = "from")] public string? From { get; set; }
    [SupplyParameterFromQuery(Name = "to")] public string? To { get; set; }
    [SupplyParameterFromQuery(Name = "tz")] public string? TimeZone { get; set; }
    [SupplyParameterFromQuery(Name = "mode")] public string? Mode { get; set; }
    [SupplyParameterFromQuery(Name = "breakdown")] public string? Breakdown { get; set; }
    [SupplyParameterFromQuery(Name = "filter")] public string? Filter { get; set; }
    [SupplyParameterFromQuery(Name = "view")] public string? View { get; set; }
    [SupplyParameterFromQuery(Name = "projection")] public string? Projection { get; set; }
    [Inject] private CohortProjectionService Projections { get; set; } = default!;

    private CohortViewState state = new();
    private List<string> problems = [];
    private CohortResult? result;
    private CohortProjectionResult? projection;
    private IReadOnlyList<CohortHeatmapModel> heatmaps = [];
    private IReadOnlyList<CohortDefinitionOption> definitions = [];
    private bool? hasOrders;
    private bool loading;
    private string? error;
    private string? loadedKey;
    /// <summary>The view key of the result on screen (data-key, so tests and tools can wait for a given view).</summary>
    private string? resultKey;
    private CancellationTokenSource? pending;

    protected override async Task OnInitializedAsync()
    {
        hasOrders = await Lookups.HasOrdersAsync(CancellationToken.None);
        if (hasOrders == true) definitions = await Lookups.DefinitionsAsync(CancellationToken.None);
    }

    protected override async Task OnParametersSetAsync()
    {
        var query = new Dictionary<string, string?>
        {
            ["measure"] = Measure, ["grain"] = Grain, ["periods"] = Periods, ["cohorts"] = CohortCount, ["from"] = From, ["to"] = To,
            ["tz"] = TimeZone, ["mode"] = Mode, ["breakdown"] = Breakdown, ["filter"] = Filter, ["view"] = View, ["projection"] = Projection,
        };
        var found = new List<string>();
        state = CohortViewState.FromQuery(key => query.GetValueOrDefault(key), found);
        problems = found;
        if (hasOrders != true) return;

        // The view (table / charts) is not part of the computation: switching it needs no reload.
        var key = (state with { View = CohortView.Table }).ToQueryString();
        if (key == loadedKey) return;
        loadedKey = key;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        pending?.Cancel();
        pending?.Dispose();
        var cts = pending = new CancellationTokenSource();
        var key = loadedKey;
        loading = true;
        error = null;
        StateHasChanged();
        try
        {
            var computed = await Cohorts.AnalyzeAsync(state.ToQuery(), cts.Token);
            var projected = state.Projection ? await Projections.ProjectAsync(state.ToQuery(), cts.Token) : null;
            if (cts.IsCancellationRequested) return;
            result = computed;
            projection = projected;
            resultKey = key;
            heatmaps = CohortHeatmapModel.Build(computed.Analysis, computed.Frame.Currency, state.HasProjectedCells ? projected : null);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return; // a newer request took over
        }
        catch (CohortQueryException ex)
        {
            Fail($"{ex.Parameter}: {ex.Message}");
        }
        catch (FilterTranslationException ex)
        {
            Fail(string.Join(" ", ex.Errors.Select(e => $"{string.Join('.', e.Path)}: {e.Message}")));
        }
        finally
        {
            if (ReferenceEquals(pending, cts)) loading = false;
        }
    }

    private void Fail(string message)
    {
        error = message;
        result = null;
        projection = null;
        heatmaps = [];
        loadedKey = null; // let the same URL retry
    }

    private Task NavigateAsync(CohortViewState next)
    {
        var query = next.ToQueryString();
        Navigation.NavigateTo(query.Length == 0 ? "cohorts" : "cohorts?" + query, replace: true);
        return Task.CompletedTask;
    }

    private async Task OpenCellAsync(CohortHeatmapModel model, HeatmapRow row, HeatmapCell cell)
    {
        if (result is null || !cell.Started) return;
        var offsetLabel = result.Analysis.OffsetLabels[cell.Offset];
        var groupPart = model.Group == CohortMatrixBuilder.AllGroup ? "" : $"{model.Group} · ";
        await Dialogs.ShowAsync<CellCustomersDrawer>($"{groupPart}{row.Label} · {offsetLabel}", new DialogParameters
        {
            [nameof(CellCustomersDrawer.Title)] = $"{groupPart}{row.Label} · {offsetLabel}",
            [nameof(CellCustomersDrawer.Query)] = state.ToQuery(),
            [nameof(CellCustomersDrawer.Group)] = model.Group,
            [nameof(CellCustomersDrawer.Cohort)] = row.Period,
            [nameof(CellCustomersDrawer.Offset)] = cell.Offset,
            [nameof(CellCustomersDrawer.Summary)] = $"{MeasureName}: {cell.Text} · {cell.Customers:N0} of {row.Size:N0} customers",
            [nameof(CellCustomersDrawer.Currency)] = result.Frame.Currency,
            [nameof(CellCustomersDrawer.CsvUrl)] = CohortDownloads.CustomersUrl(state, model.Group, row.Period, cell.Offset),
        }, new DialogOptions { MaxWidth = MaxWidth.Large, FullWidth = true, CloseButton = true, CloseOnEscapeKey = true, BackdropClick = true });
    }

    /// <summary>A click on the Plotly heatmap: the point's row index and column label lead to the table's cell.</summary>
    private Task OpenFromChartAsync(CohortHeatmapModel model, ChartPointClick point)
    {
        var row = model.Rows.FirstOrDefault(r => point.Y?.StartsWith(r.Label + " (", StringComparison.Ordinal) == true);
        var offset = model.OffsetLabels.ToList().IndexOf(point.X ?? "");
        if (row is null || offset < 0) return Task.CompletedTask;
        return OpenCellAsync(model, row, row.Cells[offset]);
    }

    private string MeasureName => result?.Analysis.Measure.DisplayName() ?? "";

    private static string ChartId(string group) =>
        new(group.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-').ToArray());

    public void Dispose()
    {
        pending?.Cancel();
        pending?.Dispose();
    }
}
