using CohortDashboard.Web.Components.Charts;
using Microsoft.AspNetCore.Components;

namespace CohortDashboard.Components.Tests.Charts;

/// <summary>PlotlyChart's markup around the chart; drawing itself needs a browser (JS interop).</summary>
public class PlotlyChartMarkupTests : ComponentTest
{
    // plotly.js never loads here (its loader never answers), so the markup is ours alone: Plotly.Blazor's own element
    // (with its inline min-height) appears only once the script is in the page.
    public PlotlyChartMarkupTests() =>
        JSInterop.SetupModule(PlotlyScript.InteropPath).SetupVoid("importScript", _ => true);

    private Task<string> RenderAsync(Dictionary<string, object?> parameters) =>
        Task.FromResult(RenderWith<PlotlyChart>(parameters).Markup);

    private static readonly IReadOnlyList<ChartTrace> OneBar = [new BarTrace { X = ["a"], Y = [1] }];

    [Fact]
    public async Task Render_WithTitle_EmitsLabelledImageRoleDiv()
    {
        var html = await RenderAsync(new()
        {
            [nameof(PlotlyChart.Traces)] = OneBar,
            [nameof(PlotlyChart.Layout)] = new ChartLayout { Title = "Active users" },
            [nameof(PlotlyChart.Id)] = "active-users",
        });

        Assert.Contains("id=\"active-users\"", html);
        Assert.Contains("data-chart=\"active-users\"", html);
        Assert.Contains("role=\"img\"", html);
        Assert.Contains("aria-label=\"Active users\"", html);
        Assert.Contains("class=\"plotly-chart\"", html);
        Assert.DoesNotContain("style=", html); // the wrapper takes its height from CSS, not an inline style
        Assert.DoesNotContain("<script", html);
    }

    [Fact]
    public async Task Render_NoTitleNoId_UsesDefaults()
    {
        var html = await RenderAsync(new() { [nameof(PlotlyChart.Traces)] = OneBar });

        Assert.Contains("data-chart=\"chart\"", html);
        Assert.Contains("aria-label=\"Chart\"", html);
        Assert.DoesNotContain("Download PNG", html);
    }

    [Fact]
    public async Task Render_ShowExport_RendersDisabledButtonsUntilDrawn()
    {
        var html = await RenderAsync(new()
        {
            [nameof(PlotlyChart.Traces)] = OneBar,
            [nameof(PlotlyChart.ShowExport)] = true,
            [nameof(PlotlyChart.AriaLabel)] = "Users by month",
            [nameof(PlotlyChart.Class)] = "wide",
        });

        Assert.Contains("Download PNG", html);
        Assert.Contains("Download CSV", html);
        Assert.Contains("disabled", html);
        Assert.Contains("aria-label=\"Users by month\"", html);
        Assert.Contains("class=\"plotly-chart wide\"", html);
    }
}
