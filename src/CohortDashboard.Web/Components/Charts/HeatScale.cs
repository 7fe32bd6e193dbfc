namespace CohortDashboard.Web.Components.Charts;

/// <summary>One legend entry of a <see cref="HeatScale"/>: shade index, the values it covers, its colour.</summary>
public sealed record HeatLegendStep(int Shade, decimal From, decimal To, string Label, string Colour);

/// <summary>
/// A heatmap colour scale over the data's own distribution: nine shades whose bounds are the values' quantiles, so each
/// shade holds about a ninth of the cells (a linear 0-to-max scale drew 88–99 % in one shade). Used by the HTML table
/// (shade index per cell, <see cref="Legend"/>) and the Plotly heatmap (<see cref="Colorscale"/>) alike. Pure.
/// </summary>
public sealed record HeatScale
{
    public const int Shades = 9;

    /// <summary>Light to dark, readable with dark text on the first five and light text on the rest, in both themes.</summary>
    public static IReadOnlyList<string> Palette { get; } =
        ["#f2f7fc", "#dbe9f6", "#c0d8ee", "#9cc3e3", "#6fa8d6", "#4a8cc7", "#2f6fb1", "#1d5394", "#0f3a6e"];

    /// <summary><see cref="Shades"/> + 1 ascending bounds: the lowest value, the eight inner quantiles, the highest.</summary>
    public IReadOnlyList<decimal> Bounds { get; }

    private HeatScale(IReadOnlyList<decimal> bounds) => Bounds = bounds;

    public decimal Min => Bounds[0];

    public decimal Max => Bounds[^1];

    /// <summary>The scale of these values (none: a 0–1 scale).</summary>
    public static HeatScale FromValues(IEnumerable<decimal> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return new HeatScale([.. Enumerable.Range(0, Shades + 1).Select(i => (decimal)i / Shades)]);
        return new HeatScale([.. Enumerable.Range(0, Shades + 1).Select(i => Quantile(sorted, (decimal)i / Shades))]);
    }

    /// <summary>Linear interpolation between the two nearest ranks (position q·(n−1)).</summary>
    private static decimal Quantile(decimal[] sorted, decimal q)
    {
        var position = q * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
    }

    /// <summary>The shade of a value: how many inner bounds it reaches (0 … <see cref="Shades"/> − 1).</summary>
    public int Shade(decimal value)
    {
        var shade = 0;
        for (var i = 1; i < Shades; i++)
        {
            if (value >= Bounds[i]) shade = i;
        }
        return shade;
    }

    public string Colour(decimal value) => Palette[Shade(value)];

    /// <summary>Whether text on this shade should be light (the five lightest take dark text).</summary>
    public static bool IsDark(int shade) => shade >= 5;

    /// <summary>One entry per shade that some value can take (equal bounds collapse), labelled by <paramref name="format"/>.</summary>
    public IReadOnlyList<HeatLegendStep> Legend(Func<decimal, string> format)
    {
        var steps = new List<HeatLegendStep>();
        for (var i = 0; i < Shades; i++)
        {
            // Values in [Bounds[i], Bounds[i+1]) take shade i; the last shade also takes the maximum itself.
            if (i < Shades - 1 && Bounds[i] == Bounds[i + 1]) continue;
            steps.Add(new HeatLegendStep(i, Bounds[i], Bounds[i + 1], $"{format(Bounds[i])} – {format(Bounds[i + 1])}", Palette[i]));
        }
        return steps;
    }

    /// <summary>The same shades as a stepped Plotly colorscale over [<see cref="Min"/>, <see cref="Max"/>] (set zmin/zmax to them).</summary>
    public ChartColorscale Colorscale()
    {
        var span = Max - Min;
        if (span <= 0) return ChartColorscale.FromStops(new(0, Palette[^1]), new(1, Palette[^1]));
        double At(decimal bound) => (double)Math.Clamp((bound - Min) / span, 0m, 1m);
        var stops = new List<ChartColorscale.ColorStop>();
        for (var i = 0; i < Shades; i++)
        {
            stops.Add(new(At(Bounds[i]), Palette[i]));
            stops.Add(new(At(Bounds[i + 1]), Palette[i]));
        }
        stops[0] = new(0, Palette[0]);
        stops[^1] = new(1, Palette[^1]);
        return ChartColorscale.FromStops(stops);
    }
}
