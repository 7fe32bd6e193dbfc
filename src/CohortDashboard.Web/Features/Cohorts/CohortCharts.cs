using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Analytics.Projections;
using CohortDashboard.Web.Components.Charts;
using CohortDashboard.Web.Components.Shared;

namespace CohortDashboard.Web.Features.Cohorts;

/// <summary>Maps a computed cohort matrix onto Plotly traces (heatmap and curves); no numbers are derived here.</summary>
public static class CohortCharts
{
    // Mid grey: at least 3:1 against both themes' backgrounds, so the mean stays visible in dark mode too.
    private const string MeanColour = "#808080";

    /// <summary>
    /// The matrix as a Plotly heatmap, newest cohort at the bottom like the table; null cells are gaps. With a
    /// projection, a second, grey and translucent heatmap fills the not-yet-started cells ("≈" values, hover naming
    /// the model), so projected cells never share the data's colour scale.
    /// </summary>
    public static IReadOnlyList<ChartTrace> Heatmap(CohortMatrix matrix, IReadOnlyList<string> offsetLabels, CohortMeasure measure, string currency,
        CohortGroupProjection? projection = null)
    {
        var traces = new List<ChartTrace> { DataHeatmap(matrix, offsetLabels, measure, currency) };
        if (projection is not null && ProjectedHeatmap(matrix, offsetLabels, measure, currency, projection) is { } projected) traces.Add(projected);
        return traces;
    }

    private static HeatmapTrace? ProjectedHeatmap(CohortMatrix matrix, IReadOnlyList<string> offsetLabels, CohortMeasure measure, string currency,
        CohortGroupProjection projection)
    {
        var byPeriod = projection.Rows.ToDictionary(r => r.Period);
        var cells = matrix.Rows
            .Select(r => r.Cells.Select((c, k) => c is null ? ProjectedCells.At(byPeriod.GetValueOrDefault(r.Period), k, measure, currency) : null).ToList())
            .ToList();
        if (cells.All(r => r.All(c => c is null))) return null;
        return new HeatmapTrace
        {
            Name = "Projected",
            X = offsetLabels.Cast<object?>().ToList(),
            Y = matrix.Rows.Select(r => (object?)$"{r.Label} (n={r.Size})").ToList(),
            Z = cells.Select(r => (IReadOnlyList<double?>)r.Select(c => c?.Value.Value).ToList()).ToList(),
            Text = cells.Select(r => (IReadOnlyList<string?>)r.Select(c => c?.Text).ToList()).ToList(),
            CustomData = cells.Select(r => (object?)r.Select(c => c is null ? null : $"{c.Interval}<br>{c.Model}").ToList()).ToList(),
            TextTemplate = "%{text}",
            HoverTemplate = "%{y} · %{x}<br>Projected (not data): %{text}<br>%{customdata}<extra>projected</extra>",
            Colorscale = ChartColorscale.Named("Greys"),
            Opacity = 0.35,
            ShowScale = false,
            HoverOnGaps = false,
            XGap = 1,
            YGap = 1,
        };
    }

    /// <summary>The data's cells in the table's colours (<see cref="CohortHeatmapModel.ScaleFor"/>), its colour bar the legend.</summary>
    private static HeatmapTrace DataHeatmap(CohortMatrix matrix, IReadOnlyList<string> offsetLabels, CohortMeasure measure, string currency)
    {
        var scale = CohortHeatmapModel.ScaleFor(matrix, measure);
        return new HeatmapTrace
        {
            Name = measure.DisplayName(),
            X = offsetLabels.Cast<object?>().ToList(),
            Y = matrix.Rows.Select(r => (object?)$"{r.Label} (n={r.Size})").ToList(),
            Z = matrix.Rows.Select(r => (IReadOnlyList<double?>)r.Cells.Select(c => (double?)c?.Value).ToList()).ToList(),
            Text = matrix.Rows.Select(r => (IReadOnlyList<string?>)r.Cells
                .Select(c => c is null ? null : CohortHeatmapModel.Format(c.Value, measure, currency)).ToList()).ToList(),
            CustomData = matrix.Rows.Select(r => (object?)r.Cells.Select(c => c?.InProgress == true ? $"({RunningPeriod.Note})" : "").ToList()).ToList(),
            TextTemplate = "%{text}",
            HoverTemplate = "%{y} · %{x}<br>%{text} %{customdata}<extra></extra>",
            Colorscale = scale.Colorscale(),
            ZMin = (double)scale.Min,
            ZMax = (double)scale.Max,
            HoverOnGaps = false,
            XGap = 1,
            YGap = 1,
            ColorBar = measure.IsPercentage() ? new ChartColorBar { TickFormat = ".0%" } : null,
        };
    }

    /// <summary>
    /// One line per cohort over the offsets, plus the size-weighted mean as a thick dark line. With a projection, each
    /// cohort continues dashed (same colour) over its not-yet-started offsets inside a shaded 95% band.
    /// </summary>
    public static IReadOnlyList<ChartTrace> Curves(CohortMatrix matrix, IReadOnlyList<string> offsetLabels, CohortMeasure measure, string currency,
        CohortGroupProjection? projection = null)
    {
        var x = offsetLabels.Cast<object?>().ToList();
        var valueFormat = ValueFormat(measure, currency);
        var byPeriod = projection?.Rows.ToDictionary(r => r.Period);
        var traces = new List<ChartTrace>();
        foreach (var (r, i) in matrix.Rows.Where(r => r.Size > 0).Select((r, i) => (r, i)))
        {
            // Explicit colours: a cohort's dotted running segment and its projection share its line's colour.
            var colour = ProjectionCurves.Colour(i);
            traces.AddRange(RunningPeriod.Split(new ScatterTrace
            {
                Name = r.Label,
                LegendGroup = r.Label,
                Mode = ScatterMode.LinesAndMarkers,
                X = x,
                Y = r.Cells.Select(c => (object?)c?.Value).ToList(),
                Line = new ChartLine { Width = 1.5, Color = colour },
                Marker = new ChartMarker { Size = 4, Color = colour },
                HoverTemplate = $"{r.Label} (n={r.Size}) · %{{x}}<br>{valueFormat}<extra></extra>",
            }, r.Cells.Select(c => c?.InProgress == true).ToList()));
            if (byPeriod?.GetValueOrDefault(r.Period) is not { } projected) continue;
            // The dashed line starts at the last completed point, so it continues the cohort's own line; a running
            // period's partial value is no place to start from, so the projection is drawn over it too.
            var last = r.Cells.Select((c, k) => (c, k)).LastOrDefault(t => t.c is { InProgress: false, Value: not null });
            if (last.c is null) continue;
            var points = r.Cells.Select((c, k) => (k, p: k > last.k && c is null or { InProgress: true } ? ProjectedCells.At(projected, k, measure, currency) : null))
                .Where(t => t.p is not null).ToList();
            if (points.Count == 0) continue;
            var anchor = (double)last.c.Value!.Value;
            traces.AddRange(ProjectionCurves.Traces(r.Label, colour!,
            [
                new ProjectionPoint(x[last.k], anchor, anchor, anchor, $"{r.Label} · {offsetLabels[last.k]}: last completed period"),
                .. points.Select(t => new ProjectionPoint(x[t.k], t.p!.Value.Value, t.p.Value.Lower, t.p.Value.Upper,
                    $"{r.Label} (n={r.Size}) · {offsetLabels[t.k]}<br>Projected (not data): {t.p.Text}<br>{t.p.Interval}<br>{t.p.Model}")),
            ]));
        }
        if (projection is not null) traces.Add(ProjectionCurves.LegendEntry(x[0]));
        traces.AddRange(RunningPeriod.Split(new ScatterTrace
        {
            Name = "Mean",
            Mode = ScatterMode.LinesAndMarkers,
            X = x,
            Y = matrix.Mean.Select(c => (object?)c?.Value).ToList(),
            Line = new ChartLine { Width = 4, Color = MeanColour },
            Marker = new ChartMarker { Size = 6, Color = MeanColour },
            HoverTemplate = $"Mean · %{{x}}<br>{valueFormat}<extra></extra>",
        }, matrix.Mean.Select(c => c?.InProgress == true).ToList()));
        if (matrix.Rows.Any(r => r.Cells.Any(c => c?.InProgress == true))) traces.Add(RunningLegendEntry(x[0]));
        return traces;
    }

    /// <summary>A legend-only entry saying what the dotted segments are (an empty point keeps it in the legend).</summary>
    private static ChartTrace RunningLegendEntry(object? x) => new ScatterTrace
    {
        Name = $"Dotted: period still running ({RunningPeriod.Note})",
        Mode = ScatterMode.Lines,
        X = [x],
        Y = [null],
        HoverInfo = "skip",
        Line = new ChartLine { Width = 1.5, Color = MeanColour, Dash = "dot" },
        ShowLegend = true,
    };

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
