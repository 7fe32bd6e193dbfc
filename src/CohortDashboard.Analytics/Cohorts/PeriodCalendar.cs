using System.Globalization;
using CohortDashboard.Analytics.Periods;

namespace CohortDashboard.Analytics.Cohorts;

/// <summary>
/// Numbers the local periods of one granularity in one timezone so that consecutive periods have consecutive
/// indexes; an order's period offset is then a subtraction. Days and ISO weeks (Monday start) count from 0001-01-01
/// (a Monday); months are year × 12 + month − 1; quarters are fiscal: they start on the fiscal-year start month, and a
/// fiscal year is named by the calendar year in which it starts; years are calendar years.
/// </summary>
public sealed class PeriodCalendar
{
    private readonly TimeZoneInfo _zone;

    public PeriodCalendar(Granularity granularity, TimeZoneInfo zone, int fiscalYearStartMonth = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fiscalYearStartMonth, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fiscalYearStartMonth, 12);
        Granularity = granularity;
        _zone = zone;
        FiscalYearStartMonth = fiscalYearStartMonth;
    }

    public Granularity Granularity { get; }
    public TimeZoneInfo Zone => _zone;
    public int FiscalYearStartMonth { get; }

    public int IndexOf(DateTime utcInstant) => IndexOf(LocalCalendar.LocalDate(utcInstant, _zone));

    public int IndexOf(DateOnly localDate) => Granularity switch
    {
        Granularity.Day => localDate.DayNumber,
        Granularity.Week => localDate.DayNumber / 7,
        Granularity.Month => MonthOrdinal(localDate),
        Granularity.Quarter => FloorDiv(MonthOrdinal(localDate) - (FiscalYearStartMonth - 1), 3),
        _ => localDate.Year,
    };

    /// <summary>The local date on which period <paramref name="index"/> begins.</summary>
    public DateOnly StartDate(int index) => Granularity switch
    {
        Granularity.Day => DateOnly.FromDayNumber(index),
        Granularity.Week => DateOnly.FromDayNumber(index * 7),
        Granularity.Month => FromMonthOrdinal(index),
        Granularity.Quarter => FromMonthOrdinal(index * 3 + FiscalYearStartMonth - 1),
        _ => new DateOnly(index, 1, 1),
    };

    /// <summary>The last local date of period <paramref name="index"/>.</summary>
    public DateOnly EndDate(int index) => StartDate(index + 1).AddDays(-1);

    public DateTime StartUtc(int index) => LocalCalendar.LocalMidnightToUtc(StartDate(index), _zone);

    public DateTime EndUtc(int index) => StartUtc(index + 1);

    /// <summary>UTC boundaries of periods first..last: last − first + 2 instants, for range bucketing in SQL.</summary>
    public IReadOnlyList<DateTime> Boundaries(int first, int last)
    {
        var boundaries = new DateTime[last - first + 2];
        for (var i = 0; i < boundaries.Length; i++) boundaries[i] = StartUtc(first + i);
        return boundaries;
    }

    /// <summary>2026-03-09 · 2026-W11 (ISO week-year) · 2026-03 · 2026-Q1 (fiscal year of its start) · 2026.</summary>
    public string Label(int index)
    {
        var start = StartDate(index);
        switch (Granularity)
        {
            case Granularity.Day:
                return start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            case Granularity.Week:
                var day = start.ToDateTime(TimeOnly.MinValue);
                return $"{ISOWeek.GetYear(day):D4}-W{ISOWeek.GetWeekOfYear(day):D2}";
            case Granularity.Month:
                return start.ToString("yyyy-MM", CultureInfo.InvariantCulture);
            case Granularity.Quarter:
                return FiscalQuarter.Of(start, FiscalYearStartMonth).Label;
            default:
                return start.Year.ToString("D4", CultureInfo.InvariantCulture);
        }
    }

    public string OffsetLabel(int offset) => $"{Granularity.OffsetPrefix()}{offset}";

    private static int MonthOrdinal(DateOnly date) => date.Year * 12 + date.Month - 1;

    private static DateOnly FromMonthOrdinal(int ordinal) => new(ordinal / 12, ordinal % 12 + 1, 1);

    private static int FloorDiv(int value, int divisor) => (int)Math.Floor(value / (double)divisor);
}
