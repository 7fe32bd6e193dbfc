using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Analytics.Periods;

namespace CohortDashboard.Analytics.Tests.Cohorts;

public sealed class PeriodCalendarTests
{
    private static readonly TimeZoneInfo NewYork = LocalCalendar.FindTimeZone("America/New_York");

    private static DateTime Utc(int y, int m, int d, int h = 0, int min = 0) => new(y, m, d, h, min, 0, DateTimeKind.Utc);

    [Fact]
    public void IndexOf_WeekAroundMarchDstStart_SundayLateEveningStaysInItsWeek()
    {
        // DST starts Sunday 2026-03-08. 2026-03-09 03:30Z is Sunday 23:30 EDT (week of Mon 2 March, ISO W10);
        // an hour later it is Monday 00:30 EDT, ISO W11.
        var weeks = new PeriodCalendar(Granularity.Week, NewYork);

        var sunday = weeks.IndexOf(Utc(2026, 3, 9, 3, 30));
        var monday = weeks.IndexOf(Utc(2026, 3, 9, 4, 30));

        Assert.Equal("2026-W10", weeks.Label(sunday));
        Assert.Equal("2026-W11", weeks.Label(monday));
        Assert.Equal(sunday + 1, monday);
        Assert.Equal(Utc(2026, 3, 9, 4), weeks.StartUtc(monday));
        // The DST week is an hour short: Mon 2 March 00:00 EST (05:00Z) to Mon 9 March 00:00 EDT (04:00Z).
        Assert.Equal(TimeSpan.FromHours(7 * 24 - 1), weeks.EndUtc(sunday) - weeks.StartUtc(sunday));
    }

    [Fact]
    public void IndexOf_WeekAroundNovemberDstEnd_SundayLateEveningStaysInItsWeek()
    {
        // DST ends Sunday 2026-11-01. 2026-11-02 04:30Z is Sunday 23:30 EST (ISO W44, 26 Oct – 1 Nov); 05:30Z is
        // Monday 00:30 EST (W45). In EDT the same 04:30Z would already be Monday.
        var weeks = new PeriodCalendar(Granularity.Week, NewYork);

        Assert.Equal("2026-W44", weeks.Label(weeks.IndexOf(Utc(2026, 11, 2, 4, 30))));
        Assert.Equal("2026-W45", weeks.Label(weeks.IndexOf(Utc(2026, 11, 2, 5, 30))));
        Assert.Equal(TimeSpan.FromHours(7 * 24 + 1), weeks.EndUtc(weeks.IndexOf(new DateOnly(2026, 10, 28))) - weeks.StartUtc(weeks.IndexOf(new DateOnly(2026, 10, 28))));
    }

    [Fact]
    public void IndexOf_LateEveningOnMonthsLastDay_CountsInThatLocalMonth()
    {
        // 2026-01-31 23:30 EST is 2026-02-01 04:30Z.
        var months = new PeriodCalendar(Granularity.Month, NewYork);

        Assert.Equal("2026-01", months.Label(months.IndexOf(Utc(2026, 2, 1, 4, 30))));
        Assert.Equal("2026-02", months.Label(months.IndexOf(Utc(2026, 2, 1, 5, 0))));
    }

    [Fact]
    public void Label_IsoWeek53_BelongsToTheYearItStartedIn()
    {
        // 2026 starts on a Thursday, so it has 53 ISO weeks: W53 runs Mon 28 Dec 2026 to Sun 3 Jan 2027.
        var weeks = new PeriodCalendar(Granularity.Week, NewYork);
        var week53 = weeks.IndexOf(new DateOnly(2026, 12, 31));

        Assert.Equal("2026-W53", weeks.Label(week53));
        Assert.Equal(week53, weeks.IndexOf(new DateOnly(2027, 1, 3)));
        Assert.Equal(new DateOnly(2026, 12, 28), weeks.StartDate(week53));
        Assert.Equal("2027-W01", weeks.Label(weeks.IndexOf(new DateOnly(2027, 1, 4))));
        Assert.Equal(week53 + 1, weeks.IndexOf(new DateOnly(2027, 1, 4)));
    }

    [Fact]
    public void IndexOf_QuarterWithFebruaryFiscalStart_FollowsFiscalQuarters()
    {
        // Fiscal year from February, named by the year it starts: January 2026 is the last month of FY2025-Q4.
        var quarters = new PeriodCalendar(Granularity.Quarter, NewYork, fiscalYearStartMonth: 2);

        var january = quarters.IndexOf(new DateOnly(2026, 1, 15));
        var february = quarters.IndexOf(new DateOnly(2026, 2, 1));

        Assert.Equal("2025-Q4", quarters.Label(january));
        Assert.Equal("2026-Q1", quarters.Label(february));
        Assert.Equal(january + 1, february);
        Assert.Equal(new DateOnly(2025, 11, 1), quarters.StartDate(january));
        Assert.Equal(new DateOnly(2026, 4, 30), quarters.EndDate(february));
    }

    [Fact]
    public void IndexOf_Year_CountsCalendarYearsAndLabelsThem()
    {
        var years = new PeriodCalendar(Granularity.Year, NewYork);

        // New Year's Eve 23:30 EST is already 2027 in UTC.
        Assert.Equal(2026, years.IndexOf(Utc(2027, 1, 1, 4, 30)));
        Assert.Equal("2026", years.Label(2026));
        Assert.Equal("Y2", years.OffsetLabel(2));
    }

    [Fact]
    public void Boundaries_ThreeMonths_FourUtcInstantsAtLocalMidnight()
    {
        var months = new PeriodCalendar(Granularity.Month, NewYork);
        var first = months.IndexOf(new DateOnly(2026, 2, 1));

        Assert.Equal([Utc(2026, 2, 1, 5), Utc(2026, 3, 1, 5), Utc(2026, 4, 1, 4), Utc(2026, 5, 1, 4)], months.Boundaries(first, first + 2));
    }
}
