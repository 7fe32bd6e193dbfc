namespace CohortDashboard.Web.Components.Charts;

/// <summary>
/// How every time-axis chart shows a period that is still running (its numbers are partial, not a drop): lines reach
/// it only with a dotted segment, and a translucent band with an "in progress" note covers it on category axes.
/// </summary>
public static class RunningPeriod
{
    public const string Note = "in progress";
    private const string BandFill = "rgba(128,128,128,0.16)";
    private const string BandEdge = "rgba(128,128,128,0.7)";

    /// <summary>
    /// The line solid through its finished points, plus (when some are running) a dotted trace from the last finished
    /// point through the running ones, in the same colour and legend group, hovering as "in progress".
    /// </summary>
    public static IEnumerable<ScatterTrace> Split(ScatterTrace line, IReadOnlyList<bool> running)
    {
        ArgumentNullException.ThrowIfNull(line);
        var first = Enumerable.Range(0, Math.Min(running.Count, line.Y.Count)).Where(i => running[i]).DefaultIfEmpty(-1).First();
        if (first < 0)
        {
            yield return line;
            yield break;
        }
        var group = line.LegendGroup ?? line.Name;
        yield return line with
        {
            LegendGroup = group,
            Y = line.Y.Select((y, i) => i < first ? y : null).ToList(),
        };
        yield return line with
        {
            Name = $"{line.Name} ({Note})",
            LegendGroup = group,
            ShowLegend = false,
            Y = line.Y.Select((y, i) => i >= first - 1 && (i == first - 1 || running[i]) ? y : null).ToList(),
            Line = (line.Line ?? new ChartLine()) with { Dash = "dot" },
            Marker = (line.Marker ?? new ChartMarker()) with { Symbol = "circle-open" },
            HoverTemplate = line.HoverTemplate?.Replace("<extra></extra>", $"<extra>{Note}</extra>", StringComparison.Ordinal),
        };
    }

    /// <summary>
    /// The layout with a band and an "in progress" note over the period at <paramref name="position"/>: a category's
    /// index on a category axis, the value on a linear one (null: nothing to mark).
    /// </summary>
    public static ChartLayout Mark(ChartLayout layout, double? position)
    {
        if (position is not { } index)
        {
            return layout;
        }
        return layout with
        {
            Shapes = [.. layout.Shapes ?? [], new ChartShape
            {
                X0 = index - 0.5,
                X1 = index + 0.5,
                FillColor = BandFill,
                Line = new ChartLine { Color = BandEdge, Width = 1, Dash = "dot" },
            }],
            Annotations = [.. layout.Annotations ?? [], new ChartAnnotation { Text = Note, X = index }],
        };
    }
}
