using CohortDashboard.Analytics.Periods;

namespace CohortDashboard.Analytics.Tests.Periods;

public sealed class LocalCalendarTests
{
    private static readonly TimeZoneInfo NewYork = LocalCalendar.FindTimeZone("America/New_York");
    private static readonly TimeZoneInfo Berlin = LocalCalendar.FindTimeZone("Europe/Berlin");

    private static DateTime Utc(int y, int m, int d, int h = 0, int min = 0) => new(y, m, d, h, min, 0, DateTimeKind.Utc);

    [Fact]
    public void MonthsEndingAt_NewYorkAcrossNovemberDstEnd_BoundariesFollowOffsetChange()
    {
        // DST ends on Sunday 2026-11-01 at 02:00 EDT, after local midnight: November starts at 00:00 EDT = 04:00Z,
        // December at 00:00 EST = 05:00Z. October started at 00:00 EDT = 04:00Z.
        var months = LocalCalendar.MonthsEndingAt(Utc(2026, 11, 22, 15), NewYork, 2);

        Assert.Equal(["2026-10", "2026-11"], months.Select(m => m.Label));
        Assert.Equal(Utc(2026, 10, 1, 4), months[0].StartUtc);
        Assert.Equal(Utc(2026, 11, 1, 4), months[0].EndUtc);
        Assert.Equal(Utc(2026, 11, 1, 4), months[1].StartUtc);
        Assert.Equal(Utc(2026, 12, 1, 5), months[1].EndUtc);
    }

    [Fact]
    public void MonthsEndingAt_NewYorkAcrossMarchDstStart_MarchIsOneHourShorter()
    {
        // DST starts 2026-03-08: March begins 00:00 EST = 05:00Z and ends at April 00:00 EDT = 04:00Z.
        var march = LocalCalendar.MonthsEndingAt(Utc(2026, 3, 15, 12), NewYork, 1).Single();

        Assert.Equal(Utc(2026, 3, 1, 5), march.StartUtc);
        Assert.Equal(Utc(2026, 4, 1, 4), march.EndUtc);
        Assert.Equal(TimeSpan.FromHours(31 * 24 - 1), march.EndUtc - march.StartUtc);
    }

    [Fact]
    public void MonthsEndingAt_AsOfLateEveningLocalOnMonthEnd_CountsInThatLocalMonth()
    {
        // 2026-10-31 23:30 EDT is 2026-11-01 03:30Z: still October for a New York user.
        var months = LocalCalendar.MonthsEndingAt(Utc(2026, 11, 1, 3, 30), NewYork, 1);

        Assert.Equal("2026-10", months.Single().Label);
    }

    [Fact]
    public void MonthsEndingAt_BerlinYearBoundary_StartsAtPreviousUtcEvening()
    {
        // Berlin is UTC+1 in winter: 2027-01-01 00:00 CET = 2026-12-31 23:00Z.
        var months = LocalCalendar.MonthsEndingAt(Utc(2027, 1, 10), Berlin, 2);

        Assert.Equal(["2026-12", "2027-01"], months.Select(m => m.Label));
        Assert.Equal(Utc(2026, 12, 31, 23), months[1].StartUtc);
        Assert.Equal(Utc(2026, 11, 30, 23), months[0].StartUtc);
    }

    [Fact]
    public void LocalMidnightToUtc_MidnightSkippedByDst_UsesFirstValidInstant()
    {
        // America/Santiago springs forward at local midnight (2026-09-06 00:00 → 01:00), so the day starts at 01:00 -03.
        var santiago = LocalCalendar.FindTimeZone("America/Santiago");

        var start = LocalCalendar.LocalMidnightToUtc(new DateOnly(2026, 9, 6), santiago);

        Assert.Equal(Utc(2026, 9, 6, 4), start);
    }

    [Fact]
    public void FindTimeZone_UnknownId_ThrowsWithTheId()
    {
        var error = Assert.Throws<ArgumentException>(() => LocalCalendar.FindTimeZone("Mars/Olympus_Mons"));
        Assert.Contains("Mars/Olympus_Mons", error.Message);
    }

    [Fact]
    public void MonthsEndingAt_ZeroMonths_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => LocalCalendar.MonthsEndingAt(Utc(2026, 1, 1), NewYork, 0));
}
