using CohortDashboard.Analytics.Periods;

namespace CohortDashboard.Analytics.AccountCohorts;

/// <summary>
/// Names of vintage cohorts (SPEC §4): <c>Vintage 2025-Q3</c> — the fiscal quarter (<see cref="FiscalQuarter"/>, a
/// fiscal year labelled by the calendar year it starts in) of the account's created_at, taken as a local date in the
/// org's timezone so an account created late on a quarter's last evening lands in that quarter.
/// </summary>
public static class VintageNames
{
    public const string Prefix = "Vintage ";

    /// <summary>The vintage of an account created at <paramref name="createdAtUtc"/>, in the org's <paramref name="zone"/>.</summary>
    public static FiscalQuarter QuarterOf(DateTime createdAtUtc, TimeZoneInfo zone, int fiscalStartMonth) =>
        FiscalQuarter.Of(LocalCalendar.LocalDate(createdAtUtc, zone), fiscalStartMonth);

    /// <summary>E.g. <c>Vintage 2025-Q3</c>.</summary>
    public static string Name(FiscalQuarter quarter) => Prefix + quarter.Label;

    /// <summary>The vintage name of an account created on the local date <paramref name="createdOn"/>.</summary>
    public static string Name(DateOnly createdOn, int fiscalStartMonth) => Name(FiscalQuarter.Of(createdOn, fiscalStartMonth));

    /// <summary>The vintage name of an account created at <paramref name="createdAtUtc"/>, in the org's <paramref name="zone"/>.</summary>
    public static string Name(DateTime createdAtUtc, TimeZoneInfo zone, int fiscalStartMonth) =>
        Name(QuarterOf(createdAtUtc, zone, fiscalStartMonth));

    /// <summary>Reads the quarter back from a name made by <see cref="Name(FiscalQuarter)"/>.</summary>
    public static bool TryParse(string? name, out FiscalQuarter quarter)
    {
        quarter = default;
        return name is not null && name.StartsWith(Prefix, StringComparison.Ordinal) && FiscalQuarter.TryParse(name[Prefix.Length..], out quarter);
    }
}
