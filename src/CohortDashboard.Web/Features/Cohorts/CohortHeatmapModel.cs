using System.Globalization;
using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Analytics.Projections;
using CohortDashboard.Web.Components.Charts;
using CohortDashboard.Web.Components.Shared;

namespace CohortDashboard.Web.Features.Cohorts;

/// <summary>
/// One table cell as drawn: text, shade and hover text. <see cref="Started"/> false = offset not reached (empty, or a
/// projection when <see cref="Projected"/>: never data, drawn in its own style).
/// </summary>
public sealed record HeatmapCell(
    int Offset,
    bool Started,
    decimal? Value,
    string Text,
    string CssClass,
    string? Title,
    int Customers,
    bool InProgress,
    string? Anomaly,
    bool Projected = false,
    int? Shade = null)
{
    public static HeatmapCell NotStarted(int offset) => new(offset, false, null, "", "cd-cell-empty", null, 0, false, null);

    public static HeatmapCell ProjectedAt(int offset, ProjectedCell cell, string rowLabel, string offsetLabel, string measureName) =>
        new(offset, false, (decimal)cell.Value.Value, cell.Text, "cd-cell-projected",
            $"{rowLabel} · {offsetLabel}\nProjected {measureName}: {cell.Text} — not data, this period has not happened yet\n{cell.Interval}\n{cell.Model}",
            0, false, null, Projected: true);
}

public sealed record HeatmapRow(int Period, string Label, DateOnly Start, DateOnly End, int Size, IReadOnlyList<HeatmapCell> Cells);

/// <summary>
/// One breakdown group's matrix laid out for the heatmap table: formatted values, shade classes
/// (<c>cd-heat-0</c> … <c>cd-heat-8</c>, CSS classes so a strict CSP and dark mode both work), hover titles,
/// in-progress and anomaly marks. Pure: no numbers are derived beyond where a value sits on the colour scale.
/// </summary>
public sealed record CohortHeatmapModel(
    string Group,
    IReadOnlyList<string> OffsetLabels,
    IReadOnlyList<HeatmapRow> Rows,
    HeatmapRow Mean,
    int Customers,
    HeatScale Scale,
    IReadOnlyList<HeatLegendStep> Legend)
{
    /// <summary>The number of shades; class <c>cd-heat-{Shades-1}</c> is the darkest (colours: <see cref="HeatScale.Palette"/>).</summary>
    public const int Shades = HeatScale.Shades;

    /// <param name="projection">When given, not-yet-started cells show the group's projection (retention or LTV only).</param>
    public static IReadOnlyList<CohortHeatmapModel> Build(CohortAnalysis analysis, string currency, CohortProjectionResult? projection = null) =>
        analysis.Groups.Select(g => Build(g, analysis.OffsetLabels, analysis.Measure, currency, projection?.Group(g.Group))).ToList();

    public static CohortHeatmapModel Build(CohortMatrix matrix, IReadOnlyList<string> offsetLabels, CohortMeasure measure, string currency,
        CohortGroupProjection? projection = null)
    {
        var scale = ScaleFor(matrix, measure);
        var projected = projection?.Rows.ToDictionary(r => r.Period);
        HeatmapCell Cell(CohortCell? cell, int k, CohortRow? row, string rowLabel, bool isMean)
        {
            if (cell is not null) return Describe(cell, k, rowLabel, offsetLabels[k], measure, currency, scale, isMean);
            return row is not null && ProjectedCells.At(projected?.GetValueOrDefault(row.Period), k, measure, currency) is { } p
                ? HeatmapCell.ProjectedAt(k, p, rowLabel, offsetLabels[k], measure.DisplayName())
                : HeatmapCell.NotStarted(k);
        }

        var rows = matrix.Rows
            .Select(r => new HeatmapRow(r.Period, r.Label, r.Start, r.End, r.Size,
                r.Cells.Select((c, k) => Cell(c, k, r, r.Label, false)).ToList()))
            .ToList();
        var mean = new HeatmapRow(int.MinValue, "Mean", default, default, matrix.Customers,
            matrix.Mean.Select((c, k) => Cell(c, k, null, "Mean", true)).ToList());
        return new CohortHeatmapModel(matrix.Group, offsetLabels, rows, mean, matrix.Customers, scale,
            scale.Legend(v => Format(v, measure, currency)));
    }

    /// <summary>A cell value formatted for the measure (<see cref="Formats"/>): 42.5%, $1,234, 17; "–" when undefined.</summary>
    public static string Format(decimal? value, CohortMeasure measure, string currency)
    {
        if (measure.IsPercentage()) return Formats.Percent(value);
        if (measure.IsMoney()) return Formats.Money(value, currency);
        return Formats.Count(value);
    }

    private static HeatmapCell Describe(CohortCell cell, int k, string rowLabel, string offsetLabel, CohortMeasure measure,
        string currency, HeatScale scale, bool isMean)
    {
        var text = Format(cell.Value, measure, currency);
        var classes = new List<string> { cell.Value is { } v ? $"cd-heat-{scale.Shade(v)}" : "cd-cell-undefined" };
        if (cell.InProgress) classes.Add("cd-cell-progress");
        if (cell.Anomaly is not null) classes.Add("cd-cell-anomaly");
        var title = new List<string>
        {
            $"{rowLabel} · {offsetLabel}",
            $"{measure.DisplayName()}: {text}",
            isMean
                ? $"{cell.Customers.ToString("N0", CultureInfo.InvariantCulture)} of {cell.Size.ToString("N0", CultureInfo.InvariantCulture)} customers (cohorts that reached {offsetLabel})"
                : $"{cell.Customers.ToString("N0", CultureInfo.InvariantCulture)} of {cell.Size.ToString("N0", CultureInfo.InvariantCulture)} customers",
        };
        if (cell.InProgress) title.Add("In progress: this period has not ended yet");
        if (cell.Anomaly is { } anomaly) title.Add("Anomaly: " + anomaly.Message);
        return new HeatmapCell(k, true, cell.Value, text, string.Join(' ', classes), string.Join('\n', title), cell.Customers,
            cell.InProgress, cell.Anomaly?.Message, Shade: cell.Value is { } shaded ? scale.Shade(shaded) : null);
    }

    /// <summary>
    /// The group's colour scale (<see cref="HeatScale"/>: quantiles of its own values). Offset 0 of retention-like
    /// measures is 100% (or the whole cohort) by definition: leaving it out keeps the later, informative offsets apart.
    /// </summary>
    public static HeatScale ScaleFor(CohortMatrix matrix, CohortMeasure measure)
    {
        var skipFirst = measure is CohortMeasure.Retention or CohortMeasure.Customers or CohortMeasure.AmountRetention;
        var values = matrix.Rows
            .SelectMany(r => r.Cells.Select((c, k) => (c, k)))
            .Where(x => x.c?.Value is not null && (!skipFirst || x.k > 0))
            .Select(x => x.c!.Value!.Value)
            .ToList();
        if (values.Count == 0)
            values = matrix.Rows.SelectMany(r => r.Cells).Where(c => c?.Value is not null).Select(c => c!.Value!.Value).ToList();
        return HeatScale.FromValues(values);
    }
}

/// <summary>A click on a table cell.</summary>
public sealed record HeatmapCellClick(HeatmapRow Row, HeatmapCell Cell);
