using System.Globalization;

namespace CohortDashboard.Analytics.Periods;

/// <summary>
/// A fiscal quarter such as <c>2025-Q3</c>, as used by vintage cohorts.
/// <para>
/// Convention: a fiscal year is labelled by the calendar year in which it <b>starts</b>. With fiscal start month
/// <c>m</c>, quarter <c>n</c> of fiscal year <c>Y</c> starts on the first day of month <c>m + 3(n − 1)</c> of year
/// <c>Y</c>, rolling into <c>Y + 1</c> past December. E.g. with <c>m = 2</c>, FY2025 runs 2025-02-01 to 2026-01-31
/// and 2025-Q4 is November 2025 to January 2026; with <c>m = 1</c> fiscal quarters are calendar quarters.
/// </para>
/// Boundaries are local dates; convert them with <see cref="LocalCalendar.LocalMidnightToUtc"/> in the org's timezone.
/// </summary>
/// <param name="FiscalYear">The calendar year in which the fiscal year starts.</param>
/// <param name="Quarter">1 to 4.</param>
public readonly record struct FiscalQuarter(int FiscalYear, int Quarter)
{
    /// <summary>The label, e.g. <c>2025-Q3</c>.</summary>
    public string Label => string.Create(CultureInfo.InvariantCulture, $"{FiscalYear:D4}-Q{Quarter}");

    /// <inheritdoc />
    public override string ToString() => Label;

    /// <summary>Parses a label <c>yyyy-Qn</c> (n = 1..4).</summary>
    public static bool TryParse(string? label, out FiscalQuarter quarter)
    {
        quarter = default;
        if (label is not { Length: 7 } || label[4] != '-' || label[5] != 'Q') return false;
        if (!int.TryParse(label.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year) || year < 1) return false;
        var n = label[6] - '0';
        if (n is < 1 or > 4) return false;
        quarter = new FiscalQuarter(year, n);
        return true;
    }

    /// <summary>The fiscal quarter containing <paramref name="date"/>.</summary>
    public static FiscalQuarter Of(DateOnly date, int fiscalStartMonth)
    {
        ValidateStartMonth(fiscalStartMonth);
        // Months elapsed since January of year 0, shifted so fiscal years begin at multiples of 12.
        var monthsIntoFiscalEra = date.Year * 12 + (date.Month - 1) - (fiscalStartMonth - 1);
        return new FiscalQuarter(monthsIntoFiscalEra / 12, monthsIntoFiscalEra % 12 / 3 + 1);
    }

    /// <summary>The first local day of the quarter.</summary>
    public DateOnly StartDate(int fiscalStartMonth)
    {
        ValidateStartMonth(fiscalStartMonth);
        if (Quarter is < 1 or > 4) throw new InvalidOperationException($"Quarter {Quarter} is not 1 to 4.");
        var monthIndex = FiscalYear * 12 + (fiscalStartMonth - 1) + 3 * (Quarter - 1);
        return new DateOnly(monthIndex / 12, monthIndex % 12 + 1, 1);
    }

    /// <summary>The first local day after the quarter (its exclusive end).</summary>
    public DateOnly EndDate(int fiscalStartMonth) => StartDate(fiscalStartMonth).AddMonths(3);

    private static void ValidateStartMonth(int fiscalStartMonth)
    {
        if (fiscalStartMonth is < 1 or > 12)
            throw new ArgumentOutOfRangeException(nameof(fiscalStartMonth), fiscalStartMonth, "A fiscal year starts in month 1 to 12.");
    }
}
