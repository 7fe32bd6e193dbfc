using System.Text.Json;
using System.Text.Json.Nodes;
using CohortDashboard.Web.Components.Charts;

namespace CohortDashboard.Web.Tests.Components.Charts;

public class ChartJsonTests
{
    private static JsonArray Traces(params ChartTrace[] traces) =>
        JsonNode.Parse(ChartJson.SerializeTraces(traces))!.AsArray();

    private static IEnumerable<string> Keys(JsonNode? node) => node!.AsObject().Select(p => p.Key);

    [Fact]
    public void SerializeTraces_BarTrace_UsesPlotlyKeysAndOmitsNulls()
    {
        var json = ChartJson.SerializeTraces(
        [
            new BarTrace
            {
                Name = "Org A",
                X = ["Jan", "Feb"],
                Y = [10, 20.5],
                Orientation = "v",
                HoverTemplate = "%{x}: %{y}<extra></extra>",
                ShowLegend = false,
                TextPosition = "outside",
                Marker = new ChartMarker { Color = "#4e9af1" },
            },
        ]);

        Assert.Equal(
            """[{"type":"bar","name":"Org A","x":["Jan","Feb"],"y":[10,20.5],"orientation":"v","textposition":"outside","marker":{"color":"#4e9af1"},"showlegend":false,"hovertemplate":"%{x}: %{y}<extra></extra>"}]""",
            json);
    }

    [Fact]
    public void SerializeTraces_MixedTraceTypes_SerialisesEachByItsRuntimeType()
    {
        var traces = Traces(
            new BarTrace { X = ["a"], Y = [1] },
            new ScatterTrace { X = [1], Y = [2], Mode = ScatterMode.LinesAndMarkers, Line = new ChartLine { Color = "red", Width = 2, Dash = "dot" } },
            new HeatmapTrace { Z = [[1.0]] },
            new PieTrace { Labels = ["a"], Values = [1], Hole = 0.4 });

        Assert.Equal(["bar", "scatter", "heatmap", "pie"], traces.Select(t => t!["type"]!.GetValue<string>()));
        Assert.Equal("lines+markers", traces[1]!["mode"]!.GetValue<string>());
        Assert.Equal(["color", "width", "dash"], Keys(traces[1]!["line"]));
        Assert.Equal(["type", "labels", "values", "hole"], Keys(traces[3]));
    }

    [Fact]
    public void SerializeTraces_HeatmapTrace_UsesLowercasePlotlyKeysAndKeepsNullCells()
    {
        var trace = Traces(new HeatmapTrace
        {
            Z = [[1.0, null], [0.25, 0.5]],
            X = ["M0", "M1"],
            Y = ["Jan", "Feb"],
            Colorscale = ChartColorscale.Named("Blues"),
            ReverseScale = true,
            ZMin = 0,
            ZMax = 1,
            ZMid = 0.5,
            ShowScale = true,
            ColorBar = new ChartColorBar { Title = "Retention", TickFormat = ".0%" },
            Text = [["a", null], ["c", "d"]],
            TextTemplate = "%{z:.0%}",
            HoverTemplate = "%{y} %{x}: %{z}",
            HoverOnGaps = false,
            XGap = 1,
            YGap = 2,
        })[0]!;

        Assert.Equal(
            ["type", "z", "x", "y", "colorscale", "reversescale", "zmin", "zmax", "zmid", "showscale", "colorbar", "text",
             "texttemplate", "hoverongaps", "xgap", "ygap", "hovertemplate"],
            Keys(trace));
        Assert.Equal("[[1,null],[0.25,0.5]]", trace["z"]!.ToJsonString());
        Assert.Equal("Blues", trace["colorscale"]!.GetValue<string>());
        Assert.Equal("""{"title":{"text":"Retention"},"tickformat":".0%"}""", trace["colorbar"]!.ToJsonString());
    }

    [Fact]
    public void SerializeTraces_ColorscaleStops_WritesFractionColourPairs()
    {
        var trace = Traces(new HeatmapTrace
        {
            Z = [[0.0]],
            Colorscale = ChartColorscale.FromStops(new(0, "#ffffff"), new(0.5, "#9ecae1"), new(1, "#08306b")),
        })[0]!;

        Assert.Equal("""[[0,"#ffffff"],[0.5,"#9ecae1"],[1,"#08306b"]]""", trace["colorscale"]!.ToJsonString());
    }

    [Fact]
    public void FromStops_OneStop_Throws()
    {
        Assert.Throws<ArgumentException>(() => ChartColorscale.FromStops(new ChartColorscale.ColorStop(0, "#fff")));
    }

    [Fact]
    public void SerializeTraces_NonFiniteNumbers_BecomeNull()
    {
        var traces = Traces(
            new ScatterTrace { X = [1, 2, 3], Y = [double.NaN, double.PositiveInfinity, 1.5] },
            new HeatmapTrace { Z = [[double.NaN, null, 2.0]], ZMax = double.NegativeInfinity });

        Assert.Equal("[null,null,1.5]", traces[0]!["y"]!.ToJsonString());
        Assert.Equal("[[null,null,2]]", traces[1]!["z"]!.ToJsonString());
        Assert.Null(traces[1]!["zmax"]);
        Assert.True(traces[1]!.AsObject().ContainsKey("zmax")); // written as null, which Plotly treats as unset
    }

    [Fact]
    public void SerializeTraces_DateValues_WriteIsoStrings()
    {
        var trace = Traces(new ScatterTrace
        {
            X = [new DateOnly(2026, 1, 31), new DateTime(2026, 2, 1, 13, 30, 0)],
            Y = [1, 2],
        })[0]!;

        Assert.Equal("""["2026-01-31","2026-02-01T13:30:00"]""", trace["x"]!.ToJsonString());
    }

    [Fact]
    public void SerializeTraces_CommonTraceProperties_UsePlotlyKeys()
    {
        var trace = Traces(new BarTrace
        {
            X = ["a"],
            Y = [1],
            LegendGroup = "g",
            HoverInfo = "skip",
            Opacity = 0.5,
            Visible = ChartVisibility.LegendOnly,
            CustomData = ["id-1"],
            Text = ["t"],
            TextTemplate = "%{y}",
            OffsetGroup = "1",
            XAxisRef = "x",
            YAxisRef = "y2",
        })[0]!;

        Assert.Equal(
            ["type", "x", "y", "text", "texttemplate", "offsetgroup", "xaxis", "yaxis", "legendgroup", "hoverinfo", "opacity", "visible", "customdata"],
            Keys(trace));
        Assert.Equal("legendonly", trace["visible"]!.GetValue<string>());
    }

    [Fact]
    public void SerializeTraces_ScatterWithMarker_UsesPlotlyKeys()
    {
        var trace = Traces(new ScatterTrace
        {
            X = [1],
            Y = [1],
            Fill = "tozeroy",
            FillColor = "rgba(0,0,255,0.2)",
            ConnectGaps = true,
            Marker = new ChartMarker { Color = new[] { "red", "blue" }, Size = 8, Symbol = "square", Opacity = 1, Line = new ChartLine { Width = 1 } },
        })[0]!;

        Assert.Equal(["type", "x", "y", "marker", "fill", "fillcolor", "connectgaps"], Keys(trace));
        Assert.Equal("""{"color":["red","blue"],"size":8,"opacity":1,"symbol":"square","line":{"width":1}}""", trace["marker"]!.ToJsonString());
    }

    [Fact]
    public void SerializeLayout_AllSet_UsesPlotlyKeysAndTitleObjects()
    {
        var layout = ChartJson.SerializeLayout(new ChartLayout
        {
            Title = "Active users",
            XAxis = new ChartAxis { Title = "Month", Type = "category", TickAngle = -45, AutoMargin = true },
            YAxis = new ChartAxis { Title = "Users", TickFormat = ",d", RangeMode = "tozero", GridColor = "#333", ShowGrid = true, ZeroLine = false },
            YAxis2 = new ChartAxis { Overlaying = "y", Side = "right" },
            BarMode = "group",
            BarGap = 0.2,
            ShowLegend = true,
            Legend = new ChartLegend { Orientation = "h", X = 0, Y = -0.2, XAnchor = "left", YAnchor = "top" },
            Height = 320,
            Margin = new ChartMargin { Left = 40, Right = 10, Top = 30, Bottom = 40, Pad = 4 },
            HoverMode = "x unified",
            PaperBackgroundColor = "#000",
            PlotBackgroundColor = "#111",
            Font = new ChartFont { Family = "Inter", Size = 12, Color = "#eee" },
            Colorway = ["#1", "#2"],
        });

        Assert.Equal(
            """{"title":{"text":"Active users"},"xaxis":{"title":{"text":"Month"},"type":"category","tickangle":-45,"automargin":true},"yaxis":{"title":{"text":"Users"},"tickformat":",d","rangemode":"tozero","showgrid":true,"gridcolor":"#333","zeroline":false},"yaxis2":{"overlaying":"y","side":"right"},"barmode":"group","bargap":0.2,"showlegend":true,"legend":{"orientation":"h","x":0,"y":-0.2,"xanchor":"left","yanchor":"top"},"height":320,"margin":{"l":40,"r":10,"t":30,"b":40,"pad":4},"hovermode":"x unified","paper_bgcolor":"#000","plot_bgcolor":"#111","font":{"family":"Inter","size":12,"color":"#eee"},"colorway":["#1","#2"]}""",
            layout);
    }

    [Fact]
    public void SerializeLayout_Empty_OmitsEveryNull()
    {
        Assert.Equal("{}", ChartJson.SerializeLayout(new ChartLayout()));
        Assert.Equal("{}", ChartJson.SerializeLayout(null));
        Assert.Equal("""{"xaxis":{}}""", ChartJson.SerializeLayout(new ChartLayout { XAxis = new ChartAxis() }));
    }

    [Fact]
    public void SerializeLayout_AxisRangeAndOrder_UsesPlotlyKeys()
    {
        var json = ChartJson.SerializeLayout(new ChartLayout
        {
            XAxis = new ChartAxis { Range = [0, 1], AutoRange = "reversed", CategoryOrder = "total descending", NTicks = 5, FixedRange = true, TickPrefix = "$", TickSuffix = "%" },
        });

        Assert.Equal(
            """{"xaxis":{"tickprefix":"$","ticksuffix":"%","nticks":5,"range":[0,1],"autorange":"reversed","categoryorder":"total descending","fixedrange":true}}""",
            json);
    }

    [Fact]
    public void SerializeConfig_Default_IsResponsiveWithoutLogo()
    {
        Assert.Equal("""{"responsive":true,"displaylogo":false}""", ChartJson.SerializeConfig(new ChartConfig()));
    }

    [Fact]
    public void SerializeConfig_AllSet_UsesPlotlyCamelCaseKeys()
    {
        var json = ChartJson.SerializeConfig(new ChartConfig
        {
            Responsive = null,
            DisplayLogo = null,
            DisplayModeBar = true,
            ModeBarButtonsToRemove = ["lasso2d", "select2d"],
            StaticPlot = false,
            ScrollZoom = false,
            ToImageButtonOptions = new ChartImageOptions { FileName = "retention", Format = "png", Scale = 2 },
        });

        Assert.Equal(
            """{"displayModeBar":true,"modeBarButtonsToRemove":["lasso2d","select2d"],"staticPlot":false,"scrollZoom":false,"toImageButtonOptions":{"filename":"retention","format":"png","scale":2}}""",
            json);
    }

    [Fact]
    public void SerializeTraces_HtmlInLabels_IsNotEscapedButStaysValidJson()
    {
        var json = ChartJson.SerializeTraces([new BarTrace { Name = "A & \"B\" <i>", X = ["é"], Y = [1] }]);

        Assert.Contains("\"name\":\"A & \\\"B\\\" <i>\"", json);
        Assert.Equal("A & \"B\" <i>", JsonDocument.Parse(json).RootElement[0].GetProperty("name").GetString());
    }
}
