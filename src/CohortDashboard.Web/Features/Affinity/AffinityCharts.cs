using System.Globalization;
using CohortDashboard.Web.Components.Charts;
using CohortDashboard.Web.Components.Shared;
using CohortDashboard.Web.Features.Expansion;

namespace CohortDashboard.Web.Features.Affinity;

/// <summary>Maps one segment's affinity entries onto the product × product heatmap; no numbers are derived here.</summary>
public static class AffinityCharts
{
    public const string ByRate = "rate";
    public const string ByLift = "lift";

    private static readonly ChartColorscale RateScale = ChartColorscale.FromStops(new(0, "#f4f8fc"), new(0.5, "#7fb0dc"), new(1, "#08427b"));
    // Below 1 (less likely than B's popularity alone) red, 1 neutral, above 1 blue.
    private static readonly ChartColorscale LiftScale = ChartColorscale.FromStops(new(0, "#c0504d"), new(0.5, "#f7f7f7"), new(1, "#2c6fb6"));
    private static readonly ChartColorscale Muted = ChartColorscale.FromStops(new(0, "#dcdcdc"), new(1, "#dcdcdc"));

    /// <summary>Products in a stable order (by name), rows = source, columns = target.</summary>
    public static IReadOnlyList<ProductRecord> Axis(AffinityResponse response) =>
        response.Products.Where(p => response.Matrix.Any(e => e.ProductAId == p.Id || e.ProductBId == p.Id)).OrderBy(p => p.Name).ToList();

    public static IReadOnlyList<ChartTrace> Heatmap(AffinityResponse response, string colourBy, string currency)
    {
        var products = Axis(response);
        var cells = response.Matrix.ToDictionary(e => (e.ProductAId, e.ProductBId));
        var names = products.Select(p => (object?)p.Name).ToList();
        var byLift = colourBy == ByLift;

        var z = new List<IReadOnlyList<double?>>();
        var mutedZ = new List<IReadOnlyList<double?>>();
        var text = new List<IReadOnlyList<string?>>();
        var mutedText = new List<IReadOnlyList<string?>>();
        var hover = new List<object?>();
        foreach (var source in products)
        {
            var row = new List<double?>();
            var mutedRow = new List<double?>();
            var textRow = new List<string?>();
            var mutedTextRow = new List<string?>();
            var hoverRow = new List<string?>();
            foreach (var target in products)
            {
                if (!cells.TryGetValue((source.Id, target.Id), out var cell))
                {
                    row.Add(null);
                    mutedRow.Add(null);
                    textRow.Add("");
                    mutedTextRow.Add("");
                    hoverRow.Add(null);
                    continue;
                }
                double? value = byLift ? (double?)cell.Lift : (double)cell.CoAdoptionRate;
                var low = cell.Confidence == "low";
                row.Add(low ? null : value);
                mutedRow.Add(low ? 1 : null);
                var label = byLift
                    ? cell.Lift is { } lift ? lift.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "–"
                    : cell.CoAdoptionRate.ToString("0", CultureInfo.InvariantCulture) + "%";
                textRow.Add(low ? "" : label);
                mutedTextRow.Add(low ? label : "");
                hoverRow.Add(Hover(cell, currency));
            }
            z.Add(row);
            mutedZ.Add(mutedRow);
            text.Add(textRow);
            mutedText.Add(mutedTextRow);
            hover.Add(hoverRow);
        }

        const string template = "<b>%{y} → %{x}</b><br>%{customdata}<extra></extra>";
        return
        [
            new HeatmapTrace
            {
                Name = byLift ? "Lift" : "Co-adoption rate",
                X = names, Y = names, Z = z, Text = text, TextTemplate = "%{text}",
                CustomData = hover, HoverTemplate = template, HoverOnGaps = false,
                Colorscale = byLift ? LiftScale : RateScale,
                ZMin = byLift ? 0 : 0, ZMax = byLift ? 2 : 100, ZMid = byLift ? 1 : null,
                ColorBar = new ChartColorBar { Title = byLift ? "Lift" : "Rate", TickSuffix = byLift ? "×" : "%", Thickness = 12 },
                XGap = 2, YGap = 2,
            },
            new HeatmapTrace
            {
                Name = "Low confidence",
                X = names, Y = names, Z = mutedZ, Text = mutedText, TextTemplate = "%{text}",
                CustomData = hover, HoverTemplate = template, HoverOnGaps = false,
                Colorscale = Muted, ShowScale = false, Opacity = 0.75, XGap = 2, YGap = 2,
            },
        ];
    }

    public static ChartLayout Layout() => new()
    {
        Margin = new ChartMargin { Left = 16, Right = 16, Top = 16, Bottom = 16 },
        ShowLegend = false,
        HoverMode = "closest",
        XAxis = new ChartAxis { Title = "Target product (B)", Type = "category", AutoMargin = true, TickAngle = -35, Side = "bottom" },
        YAxis = new ChartAxis { Title = "Source product (A)", Type = "category", AutoMargin = true, AutoRange = "reversed" },
    };

    private static string Hover(AffinityRecord cell, string currency)
    {
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            $"Co-adopters: {cell.CoAdoptionCount.ToString("N0", inv)}",
            $"Rate: {cell.CoAdoptionRate.ToString("0.0", inv)}%",
            $"Lift: {(cell.Lift is { } lift ? lift.ToString("0.00", inv) + "×" : "n/a")}",
            $"Avg days to cross-sell: {(cell.AvgTimeToCrossSellDays is { } days ? days.ToString("0", inv) : "n/a")}",
            $"Avg ARR uplift: {(cell.AvgArrUplift is { } uplift ? Money.Compact(uplift, currency) : "n/a")}",
            $"Sample: {cell.SampleSize.ToString("N0", inv)} owners of A ({cell.Confidence} confidence)",
            "Click for the accounts that own A but lack B",
        };
        return string.Join("<br>", lines);
    }
}
