namespace CohortDashboard.Analytics.Projections;

/// <summary>A projected value and its 95% interval (null bounds when the model gives no interval).</summary>
public sealed record ProjectedValue(double Value, double? Lower, double? Upper);

public static class Projection
{
    /// <summary>The standard normal quantile of a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;
}
