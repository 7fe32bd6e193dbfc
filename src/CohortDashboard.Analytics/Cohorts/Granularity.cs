namespace CohortDashboard.Analytics.Cohorts;

/// <summary>The bucket size of cohorts and of period offsets (SPEC §3).</summary>
public enum Granularity { Day, Week, Month, Quarter, Year }

/// <summary>Bounded ("N-day": an order in exactly offset k) or unbounded ("on or after": an order in offset ≥ k) retention.</summary>
public enum RetentionMode { Bounded, Unbounded }

public static class GranularityNames
{
    public static string ToWire(this Granularity granularity) => granularity switch
    {
        Granularity.Day => "day",
        Granularity.Week => "week",
        Granularity.Month => "month",
        Granularity.Quarter => "quarter",
        _ => "year",
    };

    public static bool TryParse(string? value, out Granularity granularity) => WireNames.TryParse(value, ToWire, out granularity);

    /// <summary>The letter used in offset column labels: D0, W3, M12, Q2, Y1.</summary>
    public static char OffsetPrefix(this Granularity granularity) => granularity switch
    {
        Granularity.Day => 'D',
        Granularity.Week => 'W',
        Granularity.Month => 'M',
        Granularity.Quarter => 'Q',
        _ => 'Y',
    };
}
