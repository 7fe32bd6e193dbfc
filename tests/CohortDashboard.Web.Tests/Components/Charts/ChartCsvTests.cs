using System.Globalization;
using CohortDashboard.Web.Components.Charts;

namespace CohortDashboard.Web.Tests.Components.Charts;

public class ChartCsvTests
{
    private static string Lines(params string[] lines) => string.Concat(lines.Select(l => l + "\r\n"));

    [Fact]
    public void FromTraces_NoTraces_ReturnsEmpty()
    {
        Assert.Equal("", ChartCsv.FromTraces([]));
    }

    [Fact]
    public void FromTraces_BarTracesSharingCategories_WritesWideTableWithAxisTitle()
    {
        var csv = ChartCsv.FromTraces(
            [
                new BarTrace { Name = "Org A", X = ["Jan", "Feb"], Y = [10, 20.5] },
                new BarTrace { Name = "Org B", X = ["Jan", "Feb"], Y = [5, null] },
            ],
            new ChartLayout { XAxis = new ChartAxis { Title = "Month" } });

        Assert.Equal(Lines("Month,Org A,Org B", "Jan,10,5", "Feb,20.5,"), csv);
    }

    [Fact]
    public void FromTraces_UnnamedTraces_NamesColumnsByPosition()
    {
        var csv = ChartCsv.FromTraces([new ScatterTrace { X = [1, 2], Y = [3, 4] }, new ScatterTrace { X = [1, 2], Y = [5, 6] }]);

        Assert.Equal(Lines("x,trace 1,trace 2", "1,3,5", "2,4,6"), csv);
    }

    [Fact]
    public void FromTraces_HorizontalBars_UsesYAsCategories()
    {
        var csv = ChartCsv.FromTraces(
            [new BarTrace { Name = "Users", Orientation = "h", X = [3, 4], Y = ["A", "B"] }],
            new ChartLayout { YAxis = new ChartAxis { Title = "Org" } });

        Assert.Equal(Lines("Org,Users", "A,3", "B,4"), csv);
    }

    [Fact]
    public void FromTraces_DifferentCategories_WritesLongTable()
    {
        var csv = ChartCsv.FromTraces(
        [
            new ScatterTrace { Name = "a", X = [1, 2], Y = [10, 20] },
            new ScatterTrace { Name = "b", X = [3], Y = [30] },
        ]);

        Assert.Equal(Lines("series,x,y", "a,1,10", "a,2,20", "b,3,30"), csv);
    }

    [Fact]
    public void FromTraces_RepeatedXValues_WritesLongTable()
    {
        var csv = ChartCsv.FromTraces([new ScatterTrace { Name = "cloud", X = [1, 1], Y = [2, 3] }]);

        Assert.Equal(Lines("series,x,y", "cloud,1,2", "cloud,1,3"), csv);
    }

    [Fact]
    public void FromTraces_SingleHeatmap_WritesMatrix()
    {
        var csv = ChartCsv.FromTraces(
            [new HeatmapTrace { X = ["M0", "M1"], Y = ["Jan", "Feb"], Z = [[1.0, 0.5], [1.0, null]] }],
            new ChartLayout { YAxis = new ChartAxis { Title = "Cohort" } });

        Assert.Equal(Lines("Cohort,M0,M1", "Jan,1,0.5", "Feb,1,"), csv);
    }

    [Fact]
    public void FromTraces_HeatmapWithoutLabels_UsesIndexes()
    {
        var csv = ChartCsv.FromTraces([new HeatmapTrace { Z = [[1.0, 2.0], [3.0]] }]);

        Assert.Equal(Lines(",0,1", "0,1,2", "1,3,"), csv);
    }

    [Fact]
    public void FromTraces_HeatmapWithOtherTraces_WritesLongTableWithZ()
    {
        var csv = ChartCsv.FromTraces(
        [
            new HeatmapTrace { Name = "h", X = ["a"], Y = ["r"], Z = [[0.25]] },
            new ScatterTrace { Name = "s", X = [1], Y = [2] },
        ]);

        Assert.Equal(Lines("series,x,y,z", "h,a,r,0.25", "s,1,2,"), csv);
    }

    [Fact]
    public void FromTraces_SinglePie_WritesLabelValue()
    {
        var csv = ChartCsv.FromTraces([new PieTrace { Labels = ["A", "B"], Values = [3, 1.5] }]);

        Assert.Equal(Lines("label,value", "A,3", "B,1.5"), csv);
    }

    [Fact]
    public void FromTraces_FieldsWithCommasQuotesAndNewlines_AreQuoted()
    {
        var csv = ChartCsv.FromTraces([new BarTrace { Name = "Org \"A\", Inc", X = ["a,b", "line\nbreak"], Y = [1, 2] }]);

        Assert.Equal(Lines("x,\"Org \"\"A\"\", Inc\"", "\"a,b\",1", "\"line\nbreak\",2"), csv);
    }

    [Fact]
    public void FromTraces_FormulaLikeText_IsPrefixedButNegativeNumbersAreNot()
    {
        var csv = ChartCsv.FromTraces([new BarTrace { Name = "=HYPERLINK(1)", X = ["+cmd", "@x", "-y"], Y = [-1, -2.5, 0] }]);

        Assert.Equal(Lines("x,'=HYPERLINK(1)", "'+cmd,-1", "'@x,-2.5", "'-y,0"), csv);
    }

    [Fact]
    public void FromTraces_NonFiniteNumbers_WriteEmptyCells()
    {
        var csv = ChartCsv.FromTraces([new ScatterTrace { Name = "s", X = ["a", "b"], Y = [double.NaN, double.PositiveInfinity] }]);

        Assert.Equal(Lines("x,s", "a,", "b,"), csv);
    }

    [Fact]
    public void FromTraces_DatesAndDecimals_UseInvariantIsoFormats()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE");
        try
        {
            var csv = ChartCsv.FromTraces(
            [
                new ScatterTrace
                {
                    Name = "s",
                    X = [new DateOnly(2026, 1, 31), new DateTime(2026, 2, 1), new DateTime(2026, 2, 1, 13, 30, 0, DateTimeKind.Utc)],
                    Y = [1234.5m, 0.125, 7],
                },
            ]);

            Assert.Equal(Lines("x,s", "2026-01-31,1234.5", "2026-02-01,0.125", "2026-02-01T13:30:00Z,7"), csv);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }
}
