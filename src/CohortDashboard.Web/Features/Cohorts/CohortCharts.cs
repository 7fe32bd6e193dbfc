using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Web.Components.Charts;
using CohortDashboard.Web.Components.Shared;

namespace CohortDashboard.Web.Features.Cohorts;

/// <summary>Maps a computed cohort matrix onto Plotly traces (heatmap and curves); no numbers are derived here.</summary>
public static class CohortCharts
{
    private const string MeanColour = "#222222";

    /// <summary>The matrix as a Plotly heatmap, newest cohort at the bottom like the table; null cells are gaps.</summary>
    public static IReadOnlyList<ChartTrace> Heatmap(CohortMatrix matrix, IReadOnlyList<string> offsetLabels, CohortMeasure measure, string currency) =>
    [
        new HeatmapTrace
        {
            Name = measure.DisplayName(),
            X = offsetLabels.Cast<object?>().ToList(),
            Y = matrix.Rows.Select(r => (object?)$"{r.Label} (n={r.Size})").ToList(),
            Z = matrix.Rows.Select(r => (IReadOnlyList<double?>)r.Cells.Select(c => (double?)c?.Value).ToList()).ToList(),
            Text = matrix.Rows.Select(r => (IReadOnlyList<string?>)r.Cells
                .Select(c => c is null ? null : CohortHeatmapModel.Format(c.Value, measure, currency)).ToList()).ToList(),
            TextTemplate = "%{text}",
            HoverTemplate = "%{y} · %{x}<br>%{text}<extra></extra>",
            Colorscale = ChartColorscale.Named("Blues"),
            ReverseScale = true,
            HoverOnGaps = false,
            XGap = 1,
            YGap = 1,
            ColorBar = measure.IsPercentage() ? new ChartColorBar { TickFormat = ".0%" } : null,
        },
    ];

    /// <summary>One line per cohort over the offsets, plus the size-weighted mean as a thick dark line.</summary>
    public static IReadOnlyList<ChartTrace> Curves(CohortMatrix matrix, IReadOnlyList<string> offsetLabels, CohortMeasure measure, string currency)
    {
        var x = offsetLabels.Cast<object?>().ToList();
        var valueFormat = ValueFormat(measure, currency);
        var traces = matrix.Rows
            .Where(r => r.Size > 0)
            .Select(r => (ChartTrace)new ScatterTrace
            {
                Name = r.Label,
                Mode = ScatterMode.LinesAndMarkers,
                X = x,
                Y = r.Cells.Select(c => (object?)c?.Value).ToList(),
                Line = new ChartLine { Width = 1.5 },
                Marker = new ChartMarker { Size = 4 },
                HoverTemplate = $"{r.Label} (n={r.Size}) · %{{x}}<br>{valueFormat}<extra></extra>",
            })
            .ToList();
        traces.Add(new ScatterTrace
        {
            Name = "Mean",
            Mode = ScatterMode.LinesAndMarkers,
            X = x,
            Y = matrix.Mean.Select(c => (object?)c?.Value).ToList(),
            Line = new ChartLine { Width = 4, Color = MeanColour },
            Marker = new ChartMarker { Size = 6, Color = MeanColour },
            HoverTemplate = $"Mean · %{{x}}<br>{valueFormat}<extra></extra>",
        });
        return traces;
    }

    public static ChartLayout HeatmapLayout() => new()
    {
        Margin = new ChartMargin { Left = 120, Right = 16, Top = 16, Bottom = 40 },
        XAxis = new ChartAxis { Type = "category", Side = "top", AutoMargin = true },
        YAxis = new ChartAxis { Type = "category", AutoRange = "reversed", AutoMargin = true, Title = "Cohort" },
    };

    public static ChartLayout CurvesLayout(CohortMeasure measure, string currency) => new()
    {
        Margin = new ChartMargin { Left = 64, Right = 16, Top = 16, Bottom = 48 },
        HoverMode = "closest",
        ShowLegend = true,
        XAxis = new ChartAxis { Type = "category", Title = "Period since acquisition", AutoMargin = true },
        YAxis = new ChartAxis
        {
            Title = measure.DisplayName(),
            TickFormat = measure.IsPercentage() ? ".0%" : null,
            TickPrefix = measure.IsMoney() ? Money.Symbol(currency) : null,
            AutoMargin = true,
            RangeMode = "tozero",
        },
    };

    private static string ValueFormat(CohortMeasure measure, string currency) =>
        measure.IsPercentage() ? "%{y:.1%}" : measure.IsMoney() ? Money.Symbol(currency) + "%{y:,.2f}" : "%{y:,}";
}
