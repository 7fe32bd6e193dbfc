using CohortDashboard.Web.Components.Charts;

namespace CohortDashboard.Web.Tests.Components.Charts;

public class RunningPeriodTests
{
    private static readonly ScatterTrace Line = new()
    {
        Name = "Active customers",
        X = ["Jan", "Feb", "Mar", "Apr"],
        Y = [100, 110, 120, 9],
        Line = new ChartLine { Color = "#2e9e6b" },
        HoverTemplate = "%{x}: %{y}<extra></extra>",
    };

    [Fact]
    public void Split_LastPointRunning_SolidToTheLastFinishedAndDottedIntoTheRunningOne()
    {
        var traces = RunningPeriod.Split(Line, [false, false, false, true]).ToList();

        Assert.Equal(2, traces.Count);
        Assert.Equal([100, 110, 120, null], traces[0].Y);
        Assert.Null(traces[0].Line!.Dash);
        Assert.Equal([null, null, 120, 9], traces[1].Y);
        Assert.Equal("dot", traces[1].Line!.Dash);
        Assert.Equal("#2e9e6b", traces[1].Line!.Color);
        Assert.Equal(false, traces[1].ShowLegend);
        Assert.Equal(traces[0].LegendGroup, traces[1].LegendGroup);
        Assert.Equal("%{x}: %{y}<extra>in progress</extra>", traces[1].HoverTemplate);
    }

    [Fact]
    public void Split_NothingRunning_TheLineAsItIs()
    {
        Assert.Same(Line, Assert.Single(RunningPeriod.Split(Line, [false, false, false, false])));
    }

    [Fact]
    public void Mark_RunningCategory_BandAroundItAndANote()
    {
        var layout = RunningPeriod.Mark(new ChartLayout(), 3);

        var band = Assert.Single(layout.Shapes!);
        Assert.Equal(2.5, band.X0);
        Assert.Equal(3.5, band.X1);
        Assert.Equal("paper", band.YRef);
        var note = Assert.Single(layout.Annotations!);
        Assert.Equal("in progress", note.Text);
        Assert.Equal(3d, note.X);
    }

    [Fact]
    public void Mark_NoRunningPeriod_LayoutUnchanged()
    {
        var layout = new ChartLayout { Title = "x" };
        Assert.Same(layout, RunningPeriod.Mark(layout, null));
    }
}
