using CohortDashboard.Web.Components.Charts;

namespace CohortDashboard.Web.Tests.Components.Charts;

public class HeatScaleTests
{
    [Fact]
    public void FromValues_NineEvenlySpacedValues_EachTakesItsOwnShade()
    {
        // Bounds at positions i·8/9 of 0..8: 0, 0.889, 1.778, …, 7.111, 8 — value k reaches exactly k inner bounds.
        var scale = HeatScale.FromValues([0m, 1m, 2m, 3m, 4m, 5m, 6m, 7m, 8m]);

        Assert.Equal(Enumerable.Range(0, 9), Enumerable.Range(0, 9).Select(v => scale.Shade(v)));
        Assert.Equal(0m, scale.Min);
        Assert.Equal(8m, scale.Max);
    }

    [Fact]
    public void FromValues_RetentionCrowdedAt88To99_SpreadsOverAllShades()
    {
        // The old linear 0-to-max scale put all of these in the top shade (8): 0.88/0.99 = 0.89 of the way up.
        decimal[] values = [0.88m, 0.89m, 0.90m, 0.91m, 0.93m, 0.95m, 0.96m, 0.98m, 0.99m];
        var scale = HeatScale.FromValues(values);

        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 8], values.Select(scale.Shade));
    }

    [Fact]
    public void Shade_OutsideTheRange_ClampsToTheEnds()
    {
        var scale = HeatScale.FromValues([10m, 20m]);

        Assert.Equal(0, scale.Shade(-5m));
        Assert.Equal(8, scale.Shade(25m));
        Assert.Equal(8, scale.Shade(20m));
        Assert.Equal(0, scale.Shade(10m));
    }

    [Fact]
    public void Legend_RepeatedValues_LeavesOutShadesNoValueCanTake()
    {
        // Quantiles of [1 ×9, 2] sit at positions i·9/9 = i: bounds 1 (i = 0…8) and 2 (i = 9). A 1 reaches every inner
        // bound, so shade 8 is the only one any value can take.
        var scale = HeatScale.FromValues([1m, 1m, 1m, 1m, 1m, 1m, 1m, 1m, 1m, 2m]);
        var legend = scale.Legend(v => v.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture));

        var only = Assert.Single(legend);
        Assert.Equal(8, only.Shade);
        Assert.Equal("1 – 2", only.Label);
        Assert.Equal(8, scale.Shade(1m));
        Assert.Equal(HeatScale.Palette[8], only.Colour);
    }

    [Fact]
    public void Legend_DistinctValues_OneStepPerShadeInOrder()
    {
        var legend = HeatScale.FromValues([0m, 1m, 2m, 3m, 4m, 5m, 6m, 7m, 8m]).Legend(v => v.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(Enumerable.Range(0, 9), legend.Select(s => s.Shade));
        Assert.Equal("0 – 0.9", legend[0].Label);
        Assert.Equal("7.1 – 8", legend[8].Label);
    }

    [Fact]
    public void Colorscale_SameShadesAsTheTable_SteppedOverMinToMax()
    {
        var scale = HeatScale.FromValues([0m, 9m]); // bounds 0, 1, 2, …, 9
        var stops = scale.Colorscale().Stops!;

        Assert.Equal(18, stops.Count);
        Assert.Equal(new ChartColorscale.ColorStop(0, HeatScale.Palette[0]), stops[0]);
        Assert.Equal(1d / 9, stops[1].Fraction, 10);
        Assert.Equal(HeatScale.Palette[0], stops[1].Color);
        Assert.Equal(1d / 9, stops[2].Fraction, 10);
        Assert.Equal(HeatScale.Palette[1], stops[2].Color);
        Assert.Equal(new ChartColorscale.ColorStop(1, HeatScale.Palette[8]), stops[^1]);
        // A value's place on the chart's scale lands in the stop pair of the table's shade for it.
        Assert.Equal(4, scale.Shade(4.5m));
        Assert.Equal(HeatScale.Palette[4], stops[2 * 4].Color);
    }

    [Fact]
    public void Colorscale_AllValuesEqual_OneColour()
    {
        var stops = HeatScale.FromValues([5m, 5m]).Colorscale().Stops!;

        Assert.All(stops, s => Assert.Equal(HeatScale.Palette[^1], s.Color));
    }
}
