using AngleSharp.Dom;
using Bunit;
using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Web.Features.Cohorts;

namespace CohortDashboard.Components.Tests.Cohorts;

/// <summary>The cohort heatmap table over a hand-built two-cohort matrix: shades, marks and the click that opens a cell.</summary>
public sealed class CohortHeatmapTableTests : ComponentTest
{
    private static CohortHeatmapModel Model()
    {
        static CohortCell Cell(decimal? value, int customers, bool inProgress = false, CohortAnomaly? anomaly = null) =>
            new(value, customers, 10, customers, value, inProgress, anomaly);
        var anomaly = new CohortAnomaly(0.1m, 0.6m, 0.1m, 5, "2024-02 M1 retention 10.0% is 5 sd below the mean", 0.5m, 0.7m);
        var rows = new List<CohortRow>
        {
            new(100, "2024-01", new DateOnly(2024, 1, 1), new DateOnly(2024, 1, 31), 10, [Cell(1m, 10), Cell(0.6m, 6), Cell(0.2m, 2, inProgress: true)]),
            new(101, "2024-02", new DateOnly(2024, 2, 1), new DateOnly(2024, 2, 29), 10, [Cell(1m, 10), Cell(0.1m, 1, anomaly: anomaly), null]),
        };
        var analysis = new CohortAnalysis(Granularity.Month, CohortMeasure.Retention, RetentionMode.Bounded, 102, ["M0", "M1", "M2"],
            [new CohortMatrix(CohortMatrixBuilder.AllGroup, rows, [Cell(1m, 20), Cell(0.35m, 7), Cell(0.2m, 2, inProgress: true)])]);
        return CohortHeatmapModel.Build(analysis, "USD").Single();
    }

    private IRenderedComponent<CohortHeatmapTable> RenderTable(Action<HeatmapCellClick>? onClick = null) =>
        Render<CohortHeatmapTable>(p => p
            .Add(t => t.Model, Model())
            .Add(t => t.MeasureName, "Retention")
            .Add(t => t.OnCellClick, click => onClick?.Invoke(click)));

    private static IElement CellAt(IRenderedComponent<CohortHeatmapTable> table, int period, int offset) =>
        table.Find($"tr[data-period='{period}'] [data-testid='cohort-cell'][data-offset='{offset}']");

    [Fact]
    public void Render_Matrix_HasSizeColumnMeanRowAndButtonsOnStartedCellsOnly()
    {
        var table = RenderTable();

        Assert.Equal(2, table.FindAll("[data-testid='cohort-row']").Count);
        Assert.Equal(5, table.FindAll(".cd-cell-button").Count); // 6 cells, one not started
        Assert.Equal("Size", table.Find("thead .cd-heatmap-size").TextContent);
        Assert.Equal(["M0", "M1", "M2"], table.FindAll("[data-testid='cohort-offset']").Select(h => h.TextContent));
        Assert.Single(table.FindAll("[data-testid='cohort-mean-row']"));
        Assert.Equal("false", CellAt(table, 101, 2).GetAttribute("data-started"));
    }

    [Fact]
    public void Render_Cells_ShadeByValueHatchTheRunningPeriodAndOutlineAnomalies()
    {
        var table = RenderTable();
        var full = CellAt(table, 100, 0);
        var low = CellAt(table, 101, 1);
        var running = CellAt(table, 100, 2);

        // A shade class on every started cell, and a different one for 100 % than for 10 %.
        var shade = (IElement cell) => cell.ClassList.Single(c => c.StartsWith("cd-heat-", StringComparison.Ordinal));
        Assert.NotEqual(shade(full), shade(low));
        Assert.Contains("cd-cell-progress", running.ClassList);
        Assert.Equal("true", running.GetAttribute("data-in-progress"));
        Assert.DoesNotContain("cd-cell-progress", full.ClassList);
        Assert.Contains("cd-cell-anomaly", low.ClassList);
        Assert.Equal("true", low.GetAttribute("data-anomaly"));
        Assert.Contains("5 sd below", low.GetAttribute("title"));
        Assert.DoesNotContain("cd-cell-anomaly", full.ClassList);
    }

    [Fact]
    public void Click_StartedCell_RaisesThatRowAndCell()
    {
        HeatmapCellClick? clicked = null;
        var table = RenderTable(click => clicked = click);

        CellAt(table, 101, 1).QuerySelector("button")!.Click();

        Assert.NotNull(clicked);
        Assert.Equal(101, clicked.Row.Period);
        Assert.Equal(1, clicked.Cell.Offset);
        Assert.Equal(1, clicked.Cell.Customers);
    }

    [Fact]
    public void Render_Legend_NamesTheValuesOfEveryShadeTheCellsUse()
    {
        var table = RenderTable();

        var steps = table.FindAll("[data-testid='cohort-legend-step']");
        Assert.NotEmpty(steps);
        // Retention's scale leaves out M0 (100 % by definition): from the lowest later value (10 %) to the highest (60 %),
        // one swatch of the step's own shade each.
        Assert.StartsWith("10.0%", steps[0].TextContent.Trim());
        Assert.EndsWith("60.0%", steps[^1].TextContent.Trim());
        foreach (var step in steps)
            Assert.Contains($"cd-heat-{step.GetAttribute("data-shade")}", step.QuerySelector(".cd-heat-swatch")!.ClassList);
        var legendShades = steps.Select(s => $"cd-heat-{s.GetAttribute("data-shade")}").ToHashSet();
        var cellShades = table.FindAll("[data-testid='cohort-cell'][data-started='true']")
            .Select(c => c.ClassList.Single(k => k.StartsWith("cd-heat-", StringComparison.Ordinal)));
        Assert.All(cellShades, shade => Assert.Contains(shade, legendShades));
    }
}
